"""The clinic's outcomes (staff) and its de-identified research export (admins)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from needlecare.services import outcomes, research
from needlecare.services.outcomes import Outcomes
from needlecare.web.deps import ApiActor, UowDep
from needlecare.web.downloads import attachment

router = APIRouter(tags=["outcomes"])


@router.get("/clinic/outcomes", response_model=Outcomes)
def clinic_outcomes(actor: ApiActor, uow: UowDep) -> Outcomes:
    """Shares of treatments per triage level (by day since treatment, depth band, device,
    operator, Fitzpatrick type), complications per 100 treatments with a 95 % Wilson interval,
    breakout durations, times to act on urgent alerts and missed check-ins. Groups of fewer
    than `min_group` treatments have no shares or rates ("too few to compare")."""
    return outcomes.clinic_outcomes(uow, actor)


@router.get("/clinic/research.csv", response_class=Response)
def research_csv(actor: ApiActor, uow: UowDep) -> Response:
    """Admins: the de-identified research export, one row per treatment and day since
    treatment (see docs/research-export.md for the data dictionary)."""
    return attachment(research.research_export(uow, actor, "csv"))


@router.get("/clinic/research.json", response_class=Response)
def research_json(actor: ApiActor, uow: UowDep) -> Response:
    """Admins: the research export as JSON, with its data dictionary."""
    return attachment(research.research_export(uow, actor, "json"))
