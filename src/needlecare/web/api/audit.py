"""Reading the clinic's audit log (admins): filters, names, keyset pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from needlecare.services import audit_log
from needlecare.web.api.schemas.accounts import AuditOut
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.paging import LINK_HEADER, ListQuery, paged

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditOut], responses={200: {"headers": LINK_HEADER}})
def audit_log_entries(
    actor: ApiActor,
    uow: UowDep,
    paging: Annotated[ListQuery, paged(100, 500)],
    actor_user_id: Annotated[int | None, Query(ge=1, description="Who acted")] = None,
    patient_id: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[
        str, Query(max_length=60, description='An action, or a family ending in "."')
    ] = "",
    since: Annotated[datetime | None, Query(description="From this instant (included)")] = None,
    until: Annotated[datetime | None, Query(description="Before this instant")] = None,
    before_id: Annotated[int | None, Query(ge=1, description="Older than this entry")] = None,
) -> list[AuditOut]:
    """Newest first (by time, then id), with the names of the person and the patient; follow
    the `Link: rel="next"` header for older entries. Reading it is audited too."""
    flt = audit_log.AuditFilter(actor_user_id, patient_id, action, since, until, before_id)
    page = audit_log.search(uow, actor, flt, after=paging.after, limit=paging.limit)
    paging.link_next(page.after)
    return [AuditOut.model_validate(r) for r in page.items]
