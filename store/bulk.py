"""Thousands of rows in a few statements: INSERT [... ON CONFLICT DO NOTHING] RETURNING.

    insert_rows(session, Run.__table__, rows, skip_conflicts_on=("tenant", "task", "slot"),
                returning=("tenant", "task", "slot"))    -> the keys of the rows it created

For the scheduler tick, which may write a hundred thousand runs and texts at once.
SQLAlchemy's executemany sends such rows as pages of multi-row VALUES and pays Python
for every value: a type processor each, and (psycopg) a parse of every long page.
Here the database gets a few long statements, and Python does little per value:

- a column with the same value in every row (a run's state, a text's purpose, the
  time they were written) is sent once, not once a row;
- a column's type processor runs once per distinct value (a tick's rows share a few
  slots and due times);
- PostgreSQL reads the rows as one JSON document, each field as its column's type:
  INSERT ... SELECT FROM json_to_recordset(:rows) AS r(tenant varchar(64), ...);
  SQLite gets pages of multi-row VALUES with plain ? parameters.

Values go in and come back out through the columns' types (UTCDateTime stays aware
UTC), and columns left out get their Python-side defaults, as with Core's insert().
The rows returned are the ones inserted, not the skipped ones, in no set order.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from sqlalchemy import JSON, Connection, Table
from sqlalchemy.orm import Session

SQLITE_MAX_PARAMS = 32766  # SQLite's limit on ? parameters in one statement (3.32 on)
SQLITE_PAGE_ROWS = 1000

Process = Callable[[Any], Any] | None


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *,
                skip_conflicts_on: Sequence[str] = (), returning: Sequence[str] = ()) -> list[tuple]:
    """Insert `rows` (dicts with the same keys) in the session's transaction; with
    `skip_conflicts_on`, rows clashing with existing ones on those columns are skipped.
    Returns the `returning` columns of the rows inserted."""
    if not rows:
        return []
    connection = session.connection()
    insert = Insert.of(table, rows, skip_conflicts_on, returning)
    write = _insert_json if connection.dialect.name == "postgresql" else _insert_pages
    raw = write(connection, insert)
    return _results(connection, table, returning, raw) if returning else []


@dataclass(frozen=True)
class Insert:
    table: Table
    varying: dict[str, list[Any]]  # columns sent for every row: their values
    same: dict[str, Any]  # columns sent once: the value every row has
    tail: str  # ON CONFLICT ... RETURNING ...

    @classmethod
    def of(cls, table: Table, rows: Sequence[Mapping[str, Any]], skip_conflicts_on: Sequence[str],
           returning: Sequence[str]) -> Insert:
        columns = {name: [row[name] for row in rows] for name in rows[0]}
        same = {name: values[0] for name, values in columns.items() if values.count(values[0]) == len(values)}
        varying = {name: values for name, values in columns.items() if name not in same}
        if not varying:  # one row, or all alike: one column still carries the rows
            name = next(iter(same))
            varying[name] = columns[name]
            del same[name]
        same |= defaults(table, rows[0])
        tail = ""
        if skip_conflicts_on:
            tail += f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
        if returning:
            tail += f" RETURNING {', '.join(returning)}"
        return cls(table, varying, same, tail)

    @property
    def returns(self) -> bool:
        return " RETURNING " in self.tail

    def statement(self, select_list: list[str], source: str) -> str:
        columns = ", ".join([*self.varying, *self.same])
        return f"INSERT INTO {self.table.name} ({columns}) SELECT {', '.join(select_list)} FROM {source}{self.tail}"


def defaults(table: Table, given: Mapping[str, Any]) -> dict[str, Any]:
    """The Python-side defaults of the columns `given` leaves out, computed once."""
    found = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or not (default.is_scalar or default.is_callable):
            continue
        found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


def _insert_json(connection: Connection, insert: Insert) -> list[tuple]:
    table = insert.table
    columns = [_convert(_to_json(connection, table, name), values) for name, values in insert.varying.items()]
    document = json.dumps([dict(zip(insert.varying, values)) for values in zip(*columns)])
    same = json.dumps({name: _convert(_to_json(connection, table, name), [value])[0]
                       for name, value in insert.same.items()})
    types = ", ".join(f"{name} {table.c[name].type.compile(connection.dialect)}" for name in insert.varying)
    sql = insert.statement([f"r.{name}" for name in insert.varying] + [f"s.{name}" for name in insert.same],
                           f"json_to_recordset(%(rows)s) AS r({types}), "
                           f"json_populate_record(NULL::{table.name}, %(same)s) AS s")
    result = connection.exec_driver_sql(sql, {"rows": document, "same": same})
    return result.all() if insert.returns else []


def _insert_pages(connection: Connection, insert: Insert) -> list[tuple]:
    table = insert.table
    columns = [_convert(_to_driver(connection, table, name), values) for name, values in insert.varying.items()]
    values = list(zip(*columns))
    same = tuple(_convert(_to_driver(connection, table, name), [value])[0] for name, value in insert.same.items())
    select_list = [f"column{n}" for n in range(1, len(insert.varying) + 1)] + ["?"] * len(same)
    page = max(1, min(SQLITE_PAGE_ROWS, (SQLITE_MAX_PARAMS - len(same)) // len(insert.varying)))
    one = "(" + ", ".join("?" * len(insert.varying)) + ")"
    out: list[tuple] = []
    for start in range(0, len(values), page):
        chunk = values[start:start + page]
        # WHERE true: SQLite's grammar needs it between a SELECT and ON CONFLICT
        sql = insert.statement(select_list, f"(VALUES {', '.join([one] * len(chunk))}) WHERE true")
        result = connection.exec_driver_sql(sql, same + tuple(v for row in chunk for v in row))
        if insert.returns:
            out.extend(result.all())
    return out


def _to_driver(connection: Connection, table: Table, name: str) -> Process:
    """How a column's values become what the driver takes (None: as they are)."""
    return table.c[name].type.dialect_impl(connection.dialect).bind_processor(connection.dialect)


def _to_json(connection: Connection, table: Table, name: str) -> Process:
    """...and what PostgreSQL reads from a JSON document into the column."""
    column_type = table.c[name].type.dialect_impl(connection.dialect)
    if isinstance(column_type, JSON):
        return None  # a JSON column takes the document's value as it is
    process = column_type.bind_processor(connection.dialect) or (lambda value: value)
    return lambda value: _jsonable(process(value))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _convert(process: Process, values: list[Any]) -> list[Any]:
    """`process` applied to each value, computed once per distinct value."""
    if process is None:
        return values
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(done[value])
        except KeyError:
            done[value] = processed = process(value)
            out.append(processed)
        except TypeError:  # unhashable (a list): by its text
            key = (type(value), repr(value))
            if key not in done:
                done[key] = process(value)
            out.append(done[key])
    return out


def _results(connection: Connection, table: Table, names: Sequence[str], raw: list[tuple]) -> list[tuple]:
    """RETURNING rows as the ORM would read them (through each column's type)."""
    dialect = connection.dialect
    processes = [table.c[name].type.dialect_impl(dialect).result_processor(dialect, None) for name in names]
    if not raw or not any(processes):
        return [tuple(row) for row in raw]
    columns = [_convert(process, list(values)) for process, values in zip(processes, zip(*raw))]
    return list(zip(*columns))
