"""Reading the clinic's audit log (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from needlecare.services import audit
from needlecare.web.api.schemas.accounts import AuditOut
from needlecare.web.deps import ApiActor, UowDep

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    actor: ApiActor,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
) -> list[AuditOut]:
    """Newest first; page with `before_id`. Reading it is audited too."""
    rows = audit.list_entries(uow, actor, limit=limit, before_id=before_id)
    return [AuditOut.model_validate(r) for r in rows]
