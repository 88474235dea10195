"""JSON API under /api/v1; one router module per resource."""

from fastapi import APIRouter

from needlecare.web.api import (
    alerts,
    audit,
    auth,
    checkins,
    exports,
    messages,
    notes,
    outcomes,
    passwords,
    patients,
    photos,
    products,
    protocols,
    shelf,
    staff,
    treatments,
)

api_router = APIRouter(prefix="/api/v1")
# The two busiest routes first: routes are matched in order (paths don't overlap).
for module in (
    checkins,
    alerts,
    auth,
    patients,
    treatments,
    notes,
    products,
    staff,
    audit,
    passwords,
    exports,
    protocols,
    photos,
    messages,
    shelf,
    outcomes,
):
    api_router.include_router(module.router)
api_router.include_router(messages.queue_router)
api_router.include_router(messages.clinic_router)
