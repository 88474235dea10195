"""The outcomes' reads at scale, by their plans (not a timing), on both databases: none reads
outcome_day (the by-day counts are kept in outcome_day_count), and the breakdowns' groups and
the breakout spans come from their own indexes of outcome_treatment."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from needlecare.services import auth, outcomes
from needlecare.storage.uow import UnitOfWork

from .seed import seed_outcomes


def _explain(engine: Engine, db_kind: str, sql: str, params: Any) -> str:
    with engine.connect() as connection:
        if db_kind == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(r[-1]) for r in rows)
        # A dozen rows: without this the planner would rightly scan the tables.
        connection.execute(text("SET enable_seqscan = off"))
        return " | ".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {sql}", params))


def test_the_outcomes_read_counts_and_indexes_not_every_treatment_day(
    uow: UnitOfWork, world: Any, db_kind: str
) -> None:
    seed_outcomes(uow, world)
    bob = auth.principal_for_token(uow, world.bob.token)
    engine = uow._session_factory.kw["bind"]
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert outcomes.clinic_outcomes(uow, bob).followed_treatments == 12
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    tables = [re.findall(r"FROM (\w+)", sql) for sql, _ in seen]
    assert not any("outcome_day" in found for found in tables), tables
    assert any("outcome_day_count" in found for found in tables), tables
    plans = {
        sql.split("FROM", 1)[0][:60]: _explain(engine, db_kind, sql, params)
        for sql, params in seen
        if "FROM outcome_treatment" in sql
    }
    assert len(plans) == 2, plans  # the groups, the breakout spans
    groups, spans = plans.values()
    assert "ix_outcome_treatment_groups" in groups, groups
    assert "ix_outcome_treatment_breakouts" in spans, spans
    if db_kind == "sqlite":  # from the index alone, in group order: no table, no sort
        for plan in (groups, spans):
            assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, plan
