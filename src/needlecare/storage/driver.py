"""Core statements run on the driver's own cursor: compiled once, converted as SQLAlchemy
converts them, without the rest of its execution path.

SQLAlchemy's execution path (execution context, parameter and result objects, events) costs
about 0.2 ms per statement: several times what SQLite takes to run a small indexed statement.
The hot paths (check-in, alert queue) run a handful of statements built once at import; here
each is compiled once per dialect and set of parameter names, exactly as
`Connection.execute` compiles it (same SQL), its parameters go through the same type
processors (enums, dates and times, JSON) and so do the values of its rows. Errors are
SQLAlchemy's own (`DBAPIError.instance`): an IntegrityError is still one, and a connection the
server dropped is invalidated and reported with `connection_invalidated`, as the web layer
expects (a 503 that the client may retry).

Not for statements built per call (each is compiled once and kept: the cache is bounded, but
compiling costs more than SQLAlchemy's own path), nor for inserts that leave a column to a
Python-side default (SQLAlchemy fills those in its execution context; `compile` refuses them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
Row = tuple[Any, ...]


@dataclass
class Compiled:
    """A statement compiled for one dialect and one set of parameter names."""

    compiled: SQLCompiler
    bind_processors: dict[str, Processor]  # parameter name -> processor, where there is one
    expanding: bool  # an IN list: the SQL is expanded per execution
    result_types: list[Any]  # the rows' column types (processors need the driver's type codes)
    # Learnt from the cursor's description at the first execution (psycopg builds the
    # description anew at each access: 75 us for 27 columns, about a statement's own cost).
    returns_rows: bool | None = field(default=None)
    result_processors: list[tuple[int, Processor]] = field(default_factory=list)


@lru_cache(maxsize=256)
def compile_statement(statement: Executable, dialect: Dialect, keys: frozenset[str]) -> Compiled:
    # As Connection.execute compiles it: the parameter names are the insert's column keys.
    assert isinstance(statement, ClauseElement), statement
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    assert isinstance(compiled, SQLCompiler)
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("a column left to its Python-side default: give every value")
    if compiled.escaped_bind_names:
        raise ValueError("parameter names the driver needs escaped are not supported")
    processors: dict[str, Processor] = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    columns = getattr(statement, "exported_columns", ())
    return Compiled(
        compiled=compiled,
        bind_processors=processors,
        expanding=any(bind.expanding for bind in compiled.binds.values()),
        result_types=[column.type for column in columns],
    )


def execute(
    engine: Engine,
    connection: PoolProxiedConnection,
    statement: Executable,
    params: Mapping[str, Any],
) -> list[Row]:
    """Run `statement` on a pooled driver connection; its rows (none for a plain write)."""
    dialect = engine.dialect
    plan = compile_statement(statement, dialect, frozenset(params))
    sql, arguments = _arguments(plan, params, dialect.positional)
    cursor = connection.cursor()
    try:
        cursor.execute(sql, arguments)
        if plan.returns_rows is None:
            _learn_results(plan, dialect, cursor.description)
        if not plan.returns_rows:
            return []
        rows: list[Row] = list(cursor.fetchall())
        if plan.result_processors:
            return [_converted(row, plan.result_processors) for row in rows]
        return rows
    except dialect.loaded_dbapi.Error as error:
        disconnected = dialect.is_disconnect(error, connection.dbapi_connection, cursor)
        if disconnected:
            # As SQLAlchemy does on a lost connection: this one is discarded and the pool
            # reset (with its twin, see storage.engine), so a retry gets a live connection.
            connection.invalidate(error)
            engine.dispose()
        raise DBAPIError.instance(
            sql,
            arguments,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=disconnected,
            dialect=dialect,
        ) from error
    finally:
        cursor.close()


def _arguments(
    plan: Compiled, params: Mapping[str, Any], positional: bool
) -> tuple[str, Sequence[Any] | dict[str, Any]]:
    compiled = plan.compiled
    processors = plan.bind_processors
    if plan.expanding:
        state = compiled.construct_expanded_state(dict(params))
        sql, values, order = state.statement, dict(state.parameters), state.positiontup
        for name, expanded in state.parameter_expansion.items():
            if (processor := processors.get(name)) is not None:
                for each in expanded:
                    values[each] = processor(values[each])
    else:
        sql, order = compiled.string, compiled.positiontup
        values = dict(compiled.construct_params(params))
    for name, processor in processors.items():
        if name in values:
            values[name] = processor(values[name])
    if positional:
        assert order is not None
        return sql, tuple(values[name] for name in order)
    return sql, values


def _learn_results(plan: Compiled, dialect: Dialect, description: Sequence[Any] | None) -> None:
    """Whether the statement returns rows, and the processors of their values (SQLAlchemy's
    own: they may depend on the driver's type code of each column)."""
    found: list[tuple[int, Processor]] = []
    if description and len(plan.result_types) == len(description):  # else: as the driver has
        for index, (column_type, column) in enumerate(
            zip(plan.result_types, description, strict=True)
        ):
            processor = column_type.dialect_impl(dialect).result_processor(dialect, column[1])
            if processor is not None:
                found.append((index, processor))
    plan.result_processors = found
    plan.returns_rows = description is not None


def _converted(row: Row, processors: list[tuple[int, Processor]]) -> Row:
    values = list(row)
    for index, processor in processors:
        values[index] = processor(values[index])
    return tuple(values)
