"""Treatments as pages show them: the series of sessions, the next session with its cited
reasonable date, and check-ins grouped by the session they follow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from needlecare.i18n import N_, Text
from needlecare.knowledge import citations
from needlecare.services.treatment_edits import next_session_view
from needlecare.storage.models import Checkin, Treatment
from needlecare.web.pages.guide import SOURCES_PATH, source_anchor
from needlecare.web.pages.presenters import checkin_row, day_label, treatment_view


def source_links(cites: Sequence[str]) -> list[dict[str, str]]:
    """Citations as links to their entry on the guide's sources page."""
    entries = citations.reference_entries()
    links = []
    for key in cites:
        entry_id = key.split("#", 1)[1] if key.startswith(citations.REFERENCE_FILE) else ""
        entry = entries.get(entry_id)
        label = f"{entry.id} {entry.title}" if entry else key
        links.append(
            {
                "label": label,  # English (clinic pages); a patient's page says `id` + `title`
                "id": entry.id if entry else "",
                "title": entry.title if entry else key,
                "href": f"{SOURCES_PATH}#{source_anchor(key)}",
            }
        )
    return links


def numbered(treatments: Sequence[Treatment]) -> dict[int, int]:
    """Treatment id -> its session number in the patient's series (oldest is 1)."""
    ordered = sorted(treatments, key=lambda t: (t.treatment_date, t.id))
    return {t.id: number for number, t in enumerate(ordered, start=1)}


def session_rows(treatments: Sequence[Treatment]) -> list[dict[str, Any]]:
    """Newest first, as `list_treatments` gives them; the first is the one in force."""
    numbers = numbered(treatments)
    return [
        {
            **treatment_view(t),
            "number": numbers[t.id],
            "in_force": index == 0,
            "operator": t.operator,
            "notes": t.notes,
        }
        for index, t in enumerate(treatments)
    ]


def next_session(treatment: Treatment) -> dict[str, Any]:
    view = next_session_view(treatment)
    return {
        "planned": view.planned,
        "planned_label": day_label(view.planned) if view.planned else None,
        "reasonable_label": day_label(view.reasonable_from),
        "too_early": view.too_early,
        "condition": view.condition,
        "sources": source_links(view.cite),
    }


def checkin_groups(
    checkins: Sequence[Checkin], treatments: Sequence[Treatment], href: Callable[[Checkin], str]
) -> list[dict[str, Any]]:
    """Check-ins under the session they follow, newest session first and newest check-in
    first: "day 2" means something else after each session."""
    numbers = numbered(treatments)
    by_id = {t.id: t for t in treatments}
    groups: list[dict[str, Any]] = []
    for treatment in treatments:
        rows = [
            checkin_row(c, href(c)) for c in reversed(checkins) if c.treatment_id == treatment.id
        ]
        if not rows:
            continue
        heading = Text(
            "Session {number}, {date}",
            number=numbers[treatment.id],
            date=treatment.treatment_date,
        )
        groups.append({"heading": heading, "rows": rows})
    orphans = [c for c in reversed(checkins) if c.treatment_id not in by_id]
    if orphans:  # a treatment since deleted: its check-ins are still what the patient said
        groups.append(
            {"heading": N_("Earlier check-ins"), "rows": [checkin_row(c, href(c)) for c in orphans]}
        )
    return groups
