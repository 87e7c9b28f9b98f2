"""Fast inserts for synthetic history: plain tuples, no model instances, sent with
``executemany`` (SQLite) or ``COPY`` (PostgreSQL).

Building a model instance and letting the ORM prepare each value costs several times more than
the insert itself, so rows are made as tuples of values already in the database's form.
Columns a caller does not fill get their field's default (prepared once per column), so a field
added to a model later does not break seeding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


def stamper() -> Callable[[float | None], Any]:
    """A function turning an epoch time into a DateTimeField value for this database."""
    adapt = connection.ops.adapt_datetimefield_value
    probe = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
    fast = probe.replace(tzinfo=None).isoformat(" ")
    if adapt(probe) == fast:  # SQLite in UTC: skip the generic conversion

        def to_text(ts: float | None) -> Any:
            if ts is None:
                return None
            return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None).isoformat(" ")

        return to_text

    def generic(ts: float | None) -> Any:
        return None if ts is None else adapt(datetime.fromtimestamp(ts, UTC))

    return generic


def json_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A value of a JSONField as the database takes it."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


class Inserter:
    """Insert rows of ``model`` whose values come in the order of ``attnames``."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str]) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and not getattr(f, "generated", False)
        ]
        by_attname = {f.attname: f for f in fields}
        missing = [name for name in attnames if name not in by_attname]
        if missing:
            raise ValueError(f"{model.__name__} has no fields {missing}")
        rest = [f for f in fields if f.attname not in attnames]
        self.defaults = tuple(f.get_db_prep_save(_default(f), connection) for f in rest)
        columns = [str(by_attname[name].column) for name in attnames]
        columns += [str(f.column) for f in rest]
        quote = connection.ops.quote_name
        table = quote(str(model._meta.db_table))
        names = ", ".join(quote(c) for c in columns)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        defaults = self.defaults
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one go; executemany would send them one by one.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
            else:
                cursor.executemany(self.sql, [row + defaults for row in rows])


def _default(field: models.Field[Any, Any]) -> Any:
    """What ``save()`` would have put in a column the caller does not fill."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()
