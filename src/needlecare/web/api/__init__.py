"""JSON API under /api/v1; one router module per resource."""

from fastapi import APIRouter

from needlecare.web.api import (
    alerts,
    audit,
    auth,
    checkins,
    exports,
    notes,
    patients,
    photos,
    products,
    protocols,
    staff,
    treatments,
)

api_router = APIRouter(prefix="/api/v1")
for module in (
    auth,
    patients,
    treatments,
    checkins,
    alerts,
    notes,
    products,
    staff,
    audit,
    exports,
    protocols,
    photos,
):
    api_router.include_router(module.router)
