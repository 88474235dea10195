"""The rows the product's own paths would have written around `needlecare demo seed`'s
check-ins (`demo_scale`): each alert as the clinic handled it, the audit entries of the
writes and of staff reading records, and the outcome summaries (`outcome_rows.record`).
Plain dicts in, plain dicts out, for Core multi-row INSERTs."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from needlecare.outcomes.summary import summarise
from needlecare.storage.enums import AlertState


def handled_alert(
    rng: random.Random, row: dict[str, Any], staff: list[int], now: datetime
) -> dict[str, Any]:
    """An alert as the clinic handled it: resolved within days unless it is recent."""
    at = row["created_at"]
    alert: dict[str, Any] = {
        "level": row["level"],
        "state": AlertState.OPEN,
        "created_at": at,
        "findings": row["triage_result"].get("findings", []),
        "acknowledged_at": None,
        "acknowledged_by": None,
        "resolved_at": None,
        "resolved_by": None,
        "resolution_note": None,
    }
    acknowledged = at + timedelta(minutes=rng.randint(3, 240))
    if acknowledged < now and (now - at > timedelta(days=2) or rng.random() < 0.5):
        alert.update(
            state=AlertState.ACKNOWLEDGED,
            acknowledged_at=acknowledged,
            acknowledged_by=rng.choice(staff),
        )
        resolved = acknowledged + timedelta(hours=rng.randint(1, 72))
        if resolved < now and now - at > timedelta(days=2):
            alert.update(
                state=AlertState.RESOLVED,
                resolved_at=resolved,
                resolved_by=alert["acknowledged_by"],
                resolution_note="Called the patient; advice given and follow-up booked.",
            )
    return alert


def audit_rows(
    rng: random.Random,
    clinic_id: int,
    staff: list[int],
    treatments: list[dict[str, Any]],
    checkins: list[dict[str, Any]],
    checkin_ids: list[int],
    alerts: list[dict[str, Any]],
    alert_ids: list[int],
) -> Iterable[dict[str, Any]]:
    """The rows the services would have written: each write, and staff reading records."""

    def row(
        at: datetime, actor: int, role: str, action: str, kind: str, obj: int, patient: int
    ) -> dict[str, Any]:
        return {
            "at": at,
            "actor_user_id": actor,
            "actor_role": role,
            "action": action,
            "object_type": kind,
            "object_id": str(obj),
            "clinic_id": clinic_id,
            "patient_id": patient,
        }

    for t in treatments:
        yield row(
            t["created_at"],
            t["created_by"],
            "clinician",
            "treatment.create",
            "treatment",
            t["id"],
            t["patient_id"],
        )
    for c, c_id in zip(checkins, checkin_ids, strict=True):
        yield row(
            c["created_at"],
            c["created_by"],
            "patient",
            "checkin.create",
            "checkin",
            c_id,
            c["patient_id"],
        )
        if rng.random() < 0.45:  # a clinician opens the record later that day
            at = c["created_at"] + timedelta(minutes=rng.randint(5, 300))
            yield row(
                at,
                rng.choice(staff),
                "clinician",
                "patient.read",
                "patient",
                c["patient_id"],
                c["patient_id"],
            )
    for a, a_id in zip(alerts, alert_ids, strict=True):
        if a["acknowledged_at"] is not None:
            yield row(
                a["acknowledged_at"],
                a["acknowledged_by"],
                "clinician",
                "alert.acknowledge",
                "alert",
                a_id,
                a["patient_id"],
            )
        if a["resolved_at"] is not None:
            yield row(
                a["resolved_at"],
                a["resolved_by"],
                "clinician",
                "alert.resolve",
                "alert",
                a_id,
                a["patient_id"],
            )


def outcome_summaries(
    clinic_id: int, treatments: list[dict[str, Any]], checkins: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The outcome summary rows the check-in path keeps (outcome_rows.record), summed here."""
    by_treatment = {t["id"]: t for t in treatments}
    summary: dict[int, dict[str, Any]] = {}
    days: dict[tuple[int, int], int] = {}
    for c in checkins:
        s = summarise(c["level"].value, c["day"], c["triage_input"], c["triage_result"])
        t_id = c["treatment_id"]
        breakout = s.day if s.breakout else None
        row = summary.get(t_id)
        if row is None:
            summary[t_id] = {
                "treatment_id": t_id,
                "clinic_id": clinic_id,
                "patient_id": c["patient_id"],
                "operator_id": by_treatment[t_id]["created_by"],
                "operator": by_treatment[t_id]["operator"],
                "band": s.band,
                "device": s.device,
                "fitzpatrick": s.fitzpatrick,
                "checkins": 1,
                "worst_rank": s.rank,
                "last_day": s.day,
                "breakout_first_day": breakout,
                "breakout_last_day": breakout,
                "complication": s.complication,
            }
        else:
            row["checkins"] += 1
            row["worst_rank"] = max(row["worst_rank"], s.rank)
            row["last_day"] = max(row["last_day"], s.day)
            if breakout is not None:
                first, last = row["breakout_first_day"], row["breakout_last_day"]
                row["breakout_first_day"] = breakout if first is None else min(first, breakout)
                row["breakout_last_day"] = breakout if last is None else max(last, breakout)
            row["complication"] = row["complication"] or s.complication
        days[(t_id, s.day)] = max(days.get((t_id, s.day), 0), s.rank)
    day_rows = [
        {"treatment_id": t, "day": d, "clinic_id": clinic_id, "worst_rank": rank}
        for (t, d), rank in days.items()
    ]
    return list(summary.values()), day_rows
