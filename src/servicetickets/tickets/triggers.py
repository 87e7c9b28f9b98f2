"""Tables the database keeps from the tickets tables by its own triggers, so that every writer
(the services, a bulk seed's COPY or ``executemany``, a queryset ``update()``, a migration)
keeps them exact, and putting those triggers back after migrations.

A migration that alters a table on SQLite rebuilds it (copy, drop, rename), and the triggers
go with the dropped table without a word. After every ``migrate`` each module of ``KEPT`` is
asked to check its triggers and, if some are missing, to reinstall them and refill its table.

A module of ``KEPT`` has ``ensure_installed(*, using: str, **kwargs) -> bool``; each of them
(the reports' tally, the search text, day counts, acted-on types) describes its table as a
:class:`Kept`, which derives the names of its triggers and how to drop them from one naming
rule, and :func:`statement_triggers` writes PostgreSQL's triggers and their functions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

#: Modules whose tables triggers keep; each is checked after every migrate.
KEPT = (
    "servicetickets.reports.tally",
    "servicetickets.tickets.search",
    "servicetickets.tickets.daycounts",
    "servicetickets.tickets.acted",
)

Statements = Callable[[str], list[str]]

#: The events a kept table's triggers answer, per database vendor. SQLite has no TRUNCATE;
#: on PostgreSQL, Django's test flush empties tables with TRUNCATE, which fires no DELETE
#: trigger, so a TRUNCATE trigger empties the kept table too.
ROW_EVENTS = ("insert", "update", "delete")
EVENTS = {"sqlite": ROW_EVENTS, "postgresql": (*ROW_EVENTS, "truncate")}


def run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _nothing(_vendor: str) -> list[str]:
    return []


def statement_triggers(table: str, source: str, bodies: Mapping[str, tuple[str, str]]) -> list[str]:
    """PostgreSQL: per event of ``bodies`` (``event: (SQL, REFERENCING clause)``), a plpgsql
    function running the SQL and a statement-level trigger on ``source`` calling it, both named
    ``{table}_{event}``; then one on TRUNCATE that empties ``table``."""
    everything = {**bodies, "truncate": (f"DELETE FROM {table}", "")}
    out = []
    for event, (body, referencing) in everything.items():
        name = f"{table}_{event}"
        out.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body}; RETURN NULL; END $$"
        )
        on = " ".join(filter(None, (f"AFTER {event.upper()} ON {source}", referencing)))
        out.append(f"CREATE TRIGGER {name} {on} FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    return out


@dataclass(frozen=True)
class Kept:
    """One table kept by triggers on ``source``. Each callable takes the database vendor
    (``sqlite`` or ``postgresql``) and returns SQL statements. Every trigger, and on PostgreSQL
    its function, is named ``{table}_{event}``, one per event of ``events[vendor]``."""

    table: str
    #: The table whose writes the triggers follow.
    source: str
    #: The table (and its indexes, functions) as created empty.
    create: Statements
    #: The triggers, and on PostgreSQL their functions.
    triggers: Statements
    #: Empty the table and fill it again from its source.
    fill: Statements
    events: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: EVENTS)
    #: What ``create`` made besides the table and its indexes (functions), dropped after it.
    drop_also: Statements = _nothing

    def trigger_names(self, vendor: str) -> list[str]:
        """Names of the triggers ``triggers`` creates, as :func:`present_triggers` lists them
        (to notice a dropped one)."""
        names = [f"{self.table}_{event}" for event in self.events[vendor]]
        if vendor == "postgresql":
            return [f"{self.source}:{name}" for name in names]
        return names

    def drop_triggers(self, vendor: str) -> list[str]:
        """The triggers (and on PostgreSQL their functions), dropped if present."""
        names = [f"{self.table}_{event}" for event in self.events[vendor]]
        if vendor == "postgresql":
            out = [f"DROP TRIGGER IF EXISTS {name} ON {self.source}" for name in names]
            return out + [f"DROP FUNCTION IF EXISTS {name}()" for name in names]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]

    def drop(self, vendor: str) -> list[str]:
        """Everything ``create`` and ``triggers`` made, dropped if present."""
        return [
            *self.drop_triggers(vendor),
            f"DROP TABLE IF EXISTS {self.table}",
            *self.drop_also(vendor),
        ]

    def install(self, connection: BaseDatabaseWrapper) -> None:
        """(Re)create the table and its triggers, and fill it."""
        vendor = connection.vendor
        run(connection, [*self.drop(vendor), *self.create(vendor), *self.triggers(vendor)])
        self.rebuild(connection)

    def uninstall(self, connection: BaseDatabaseWrapper) -> None:
        run(connection, self.drop(connection.vendor))

    def rebuild(self, connection: BaseDatabaseWrapper) -> None:
        run(connection, self.fill(connection.vendor))

    def ensure_installed(self, *, using: str = "default", **_kwargs: Any) -> bool:
        """After migrations: reinstall the triggers if any is missing. Returns whether it had
        to. Does nothing before the migration that installs the table."""
        connection = connections[using]
        if not table_exists(connection, self.table):
            return False
        expected = set(self.trigger_names(connection.vendor))
        if expected <= present_triggers(connection):
            return False
        # The table missed every write made while they were gone: make it again.
        self.install(connection)
        return True


def table_exists(connection: BaseDatabaseWrapper, table: str) -> bool:
    with connection.cursor() as cursor:
        return table in connection.introspection.table_names(cursor)


def present_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Every trigger of the database: ``name`` on SQLite, ``table:name`` on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname || ':' || t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {str(row[0]) for row in cursor.fetchall()}


def reinstall_dropped(*, using: str = "default", **kwargs: Any) -> list[str]:
    """``post_migrate`` receiver: let every kept table check its triggers. Returns the modules
    that had to reinstall theirs."""
    done = []
    for path in KEPT:
        if import_module(path).ensure_installed(using=using, **kwargs):
            done.append(path)
    return done


def kept_tables() -> list[Kept]:
    return [import_module(path).KEPT for path in KEPT]


@contextlib.contextmanager
def suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Bulk writes without the kept tables' triggers: drop them all, and afterwards (after an
    error too) reinstall them and refill every kept table from its source.

    For a bulk load of many rows on SQLite, whose triggers run once per row: refilling a table
    with one INSERT … SELECT costs a fraction of running its triggers row by row (about a
    quarter of the time for 30,000 seeded tickets, see ``ops.seed``). Meanwhile the kept tables
    are stale; the refill makes them exact again, whoever wrote in between. A process killed
    inside leaves the triggers missing until the next ``migrate`` puts them back
    (:func:`reinstall_dropped`)."""
    kept = kept_tables()
    run(connection, [sql for table in kept for sql in table.drop_triggers(connection.vendor)])
    try:
        yield
    finally:
        for table in kept:
            table.install(connection)
