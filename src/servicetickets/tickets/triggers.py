"""Tables the database keeps from the tickets tables by its own triggers, so that every writer
(the services, a bulk seed's COPY or ``executemany``, a queryset ``update()``, a migration)
keeps them exact, and putting those triggers back after migrations.

A migration that alters a table on SQLite rebuilds it (copy, drop, rename), and the triggers
go with the dropped table without a word. After every ``migrate`` each module of ``KEPT`` is
asked to check its triggers and, if some are missing, to reinstall them and refill its table.

A module of ``KEPT`` has ``ensure_installed(*, using: str, **kwargs) -> bool``. The tickets'
own ones (search text, day counts, acted-on types) describe themselves as a :class:`Kept`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@dataclass(frozen=True)
class Kept:
    """One table kept by triggers. Each callable takes the database vendor (``sqlite`` or
    ``postgresql``) and returns SQL statements."""

    table: str
    #: The table (and its indexes, functions) as created empty.
    create: Statements
    #: The triggers, and on PostgreSQL their functions.
    triggers: Statements
    #: Names of the triggers ``triggers`` creates (to notice a dropped one).
    trigger_names: Callable[[str], list[str]]
    #: Everything ``create`` and ``triggers`` made, dropped if present.
    drop: Statements
    #: Empty the table and fill it again from its source.
    fill: Statements

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
