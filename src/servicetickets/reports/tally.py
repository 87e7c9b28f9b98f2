"""The reports' running totals, kept by the database itself.

Adding up a million tickets on every report request takes 0.2 to 0.8 s on PostgreSQL (see
``bench/reports.py``), so the totals are kept per day of submission: ``reports_tally`` has one
row per (UTC day, desk, type) with the tickets' own counts (``person_id`` 0) and one per person
credited by those tickets (status, response and processing credit, SPEC.md §5, and the SLA
targets met, SPEC.md §7).

Triggers on ``tickets_ticket`` keep it exact whatever writes a ticket — the services, a bulk
seed, a queryset ``update()`` back-dating demo data, a migration: each insert adds the rows'
contribution, each delete takes it away, each update does both (statement-level with
transition tables on PostgreSQL, so a COPY of thousands of rows is one upsert; row-level on
SQLite). A report then reads the whole days of its period from the tally and the part-days at
its ends from the tickets (``reports.selectors``).

The table has no Django model (the reports app holds no state of its own); it is created and
its triggers installed by the migration ``tickets.0004_report_tally`` (again by
``tickets.0005_sla_tally``, which added the SLA counters), and ``rebuild`` fills it from the
tickets. Changing the SQL here needs a new migration that calls ``install`` again. Installing,
dropping and noticing lost triggers are shared with the tickets' kept tables
(``tickets.triggers.Kept``).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from servicetickets.tickets.triggers import Kept, statement_triggers

TABLE = "reports_tally"
TICKETS = "tickets_ticket"
KEY = ("day", "desk_id", "ticket_type_id", "person_id")
#: The summed columns. For ``person_id`` 0: the tickets' states, how many were accepted and
#: their response times, how many count as processed and their processing times. For a person:
#: ``processing``/``to_confirm``/``closed`` as credited in "status by person", ``accepted`` and
#: ``response_ms`` for the tickets they received, ``processed``/``processing_ms`` as processor.
#: The SLA counters (``reports.selectors`` states the rules): ``response_targeted`` = accepted
#: tickets that had a response due time, ``response_within`` = those accepted by it (credited
#: to the receiver); ``processing_targeted`` = processed tickets that had a processing due
#: time, ``processing_within`` = those processed by it (credited to the processor).
COUNTERS = (
    "pending",
    "processing",
    "to_confirm",
    "closed",
    "accepted",
    "response_ms",
    "processed",
    "processing_ms",
    "response_targeted",
    "response_within",
    "processing_targeted",
    "processing_within",
)
#: Columns of a ticket the tally depends on: an update touching none of them changes nothing.
TICKET_COLUMNS = (
    "submitted_at",
    "desk_id",
    "ticket_type_id",
    "state",
    "resolution",
    "assignee_id",
    "processed_by_id",
    "closed_by_id",
    "received_by_id",
    "accepted_at",
    "processed_at",
    "response_due_at",
    "processing_due_at",
)

_PROCESSED = "(r.state = 'to_confirm' OR (r.state = 'closed' AND r.resolution = 'resolved'))"
_ACCEPTED = "r.accepted_at IS NOT NULL"
# Due times compare as they are stored: timestamps on PostgreSQL, UTC text on SQLite (one
# format for every writer, so the text order is the time order; Django compares them so too).
_RESPONSE_TARGETED = f"({_ACCEPTED} AND r.response_due_at IS NOT NULL)"
_RESPONSE_WITHIN = f"({_RESPONSE_TARGETED} AND r.accepted_at <= r.response_due_at)"
_PROCESSING_TARGETED = f"({_PROCESSED} AND r.processing_due_at IS NOT NULL)"
_PROCESSING_WITHIN = f"({_PROCESSING_TARGETED} AND r.processed_at <= r.processing_due_at)"
_STATUS_PERSON = (
    "CASE WHEN r.state = 'processing' THEN r.assignee_id"
    " WHEN r.state = 'to_confirm' THEN r.processed_by_id"
    " WHEN r.state = 'closed' AND r.resolution = 'resolved' THEN r.processed_by_id"
    " WHEN r.state = 'closed' AND r.resolution = 'rejected' THEN r.closed_by_id END"
)


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def day_sql(vendor: str, column: str) -> str:
    """The UTC day of a timestamp column."""
    if vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"  # SQLite keeps UTC text


def milliseconds_sql(vendor: str, end: str, start: str) -> str:
    """``end - start`` in whole milliseconds (integers, so adding and taking away is exact)."""
    if vendor == "postgresql":
        return f"round(date_part('epoch', {end} - {start}) * 1000)::bigint"
    return f"CAST(round((julianday({end}) - julianday({start})) * 86400000.0) AS INTEGER)"


def contributions(
    vendor: str, source: str, *, sign: int = 1, tickets: bool = True, people: bool = True
) -> str:
    """A SELECT of (day, desk_id, ticket_type_id, person_id, *COUNTERS) rows: what each ticket
    of ``source`` (a table or a parenthesised subquery, aliased ``r``) adds to the tally, times
    ``sign``. ``tickets``/``people``: include the tickets' own rows / the persons' rows."""
    head = f"{day_sql(vendor, 'r.submitted_at')} AS day, r.desk_id, r.ticket_type_id"
    response = milliseconds_sql(vendor, "r.accepted_at", "r.submitted_at")
    processing = milliseconds_sql(vendor, "r.processed_at", "r.submitted_at")
    # Per counter, what one ticket adds (counters left out add 0).
    response_values = {
        "accepted": "1",
        "response_ms": response,
        "response_targeted": _flag(_RESPONSE_TARGETED),
        "response_within": _flag(_RESPONSE_WITHIN),
    }
    processing_values = {
        "processed": "1",
        "processing_ms": processing,
        "processing_targeted": _flag(_PROCESSING_TARGETED),
        "processing_within": _flag(_PROCESSING_WITHIN),
    }
    status_values = {
        "processing": _flag("r.state = 'processing'"),
        "to_confirm": _flag("r.state = 'to_confirm'"),
        "closed": _flag("r.state = 'closed'"),
    }
    ticket_values = {
        "pending": _flag("r.state = 'pending'"),
        **status_values,
        **{c: f"(CASE WHEN {_ACCEPTED} THEN {v} ELSE 0 END)" for c, v in response_values.items()},
        **{
            c: f"(CASE WHEN {_PROCESSED} THEN {v} ELSE 0 END)" for c, v in processing_values.items()
        },
    }

    def named(values: dict[str, str]) -> str:
        return ", ".join(
            f"{sign} * {values[c]} AS {c}" if c in values else f"0 AS {c}" for c in COUNTERS
        )

    parts = []
    if tickets:
        parts.append(f"SELECT {head}, 0 AS person_id, {named(ticket_values)} FROM {source} r")
    if people:
        for person, values, condition in (
            (_STATUS_PERSON, status_values, f"({_STATUS_PERSON}) IS NOT NULL"),
            (
                "r.received_by_id",
                response_values,
                f"{_ACCEPTED} AND r.received_by_id IS NOT NULL",
            ),
            (
                "r.processed_by_id",
                processing_values,
                f"{_PROCESSED} AND r.processed_by_id IS NOT NULL",
            ),
        ):
            parts.append(
                f"SELECT {head}, {person} AS person_id, {named(values)}"
                f" FROM {source} r WHERE {condition}"
            )
    return "\nUNION ALL\n".join(parts)


def _grouped(selects: str) -> str:
    """Contributions added up per key, leaving out keys whose sums are all zero (an update
    that changes nothing the tally counts writes nothing), in key order so concurrent writers
    lock rows in the same order."""
    sums = ", ".join(f"SUM({c})" for c in COUNTERS)
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in COUNTERS)
    key = ", ".join(KEY)
    return (
        f"SELECT {key}, {sums} FROM ({selects}) AS c WHERE true"
        f" GROUP BY {key} HAVING {nonzero} ORDER BY {key}"
    )


def _upsert(selects: str) -> str:
    columns = ", ".join((*KEY, *COUNTERS))
    add = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in COUNTERS)
    return (
        f"INSERT INTO {TABLE} ({columns}) {_grouped(selects)}"
        f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {add}"
    )


def _row_of(prefix: str) -> str:
    """A one-row subquery of the columns the tally reads, from a trigger's OLD or NEW."""
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in TICKET_COLUMNS) + ")"


def _create_table(vendor: str) -> list[str]:
    if vendor == "postgresql":
        day, ident, big = "date", "bigint GENERATED BY DEFAULT AS IDENTITY", "bigint"
    else:
        day, ident, big = "date", "integer", "bigint"
    counters = ", ".join(
        f"{c} {big if c.endswith('_ms') else 'integer'} NOT NULL DEFAULT 0" for c in COUNTERS
    )
    return [
        f"CREATE TABLE {TABLE} (id {ident} PRIMARY KEY, day {day} NOT NULL,"
        f" desk_id integer NOT NULL, ticket_type_id integer NOT NULL,"
        f" person_id integer NOT NULL, {counters})",
        # The key's index serves the reports: a range of days, then desk and type.
        f"CREATE UNIQUE INDEX {TABLE}_key ON {TABLE} ({', '.join(KEY)})",
    ]


def _triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        new = contributions(vendor, "new_rows")
        old = contributions(vendor, "old_rows", sign=-1)
        bodies = {
            "insert": (_upsert(new), "REFERENCING NEW TABLE AS new_rows"),
            "update": (
                _upsert(f"{new}\nUNION ALL\n{old}"),
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ),
            "delete": (_upsert(old), "REFERENCING OLD TABLE AS old_rows"),
        }
        return statement_triggers(TABLE, TICKETS, bodies)
    new = contributions(vendor, _row_of("NEW"))
    old = contributions(vendor, _row_of("OLD"), sign=-1)
    watched = ", ".join(TICKET_COLUMNS)
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {TICKETS} BEGIN {_upsert(new)}; END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {watched} ON {TICKETS}"
        f" BEGIN {_upsert(f'{new} UNION ALL {old}')}; END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {TICKETS} BEGIN {_upsert(old)}; END",
    ]


def rebuild_sql(vendor: str) -> list[str]:
    columns = ", ".join((*KEY, *COUNTERS))
    return [
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} ({columns}) {_grouped(contributions(vendor, TICKETS))}",
    ]


KEPT = Kept(
    table=TABLE,
    create=_create_table,
    triggers=_triggers,
    fill=rebuild_sql,
    source=TICKETS,
)


def install(connection: BaseDatabaseWrapper) -> None:
    """(Re)create the table and its triggers, and fill it from the tickets."""
    KEPT.install(connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    KEPT.uninstall(connection)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Recompute every total from the tickets (the triggers keep them; this repairs)."""
    KEPT.rebuild(connection)


def params(connection: BaseDatabaseWrapper, values: list[Any]) -> list[Any]:
    """Query parameters in the form this database stores them (SQLite keeps UTC text)."""
    from datetime import date, datetime

    ops = connection.ops
    out: list[Any] = []
    for value in values:
        if isinstance(value, datetime):
            out.append(ops.adapt_datetimefield_value(value))
        elif isinstance(value, date):
            out.append(ops.adapt_datefield_value(value))
        else:
            out.append(value)
    return out


def ensure_installed(*, using: str = "default", **kwargs: Any) -> bool:
    """After migrations: put the triggers back if something dropped them (SQLite rebuilds a
    table to alter it, and its triggers go with the old table), refilling the totals. Returns
    whether it had to."""
    return KEPT.ensure_installed(using=using, **kwargs)
