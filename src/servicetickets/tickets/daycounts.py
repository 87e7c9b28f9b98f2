"""How many tickets there are per UTC day of submission, desk, type, state and resolution —
in all, per requester and per processor — so that the ticket list's ``count`` over many
tickets is a sum of a few thousand rows instead of a count of hundreds of thousands (see
``tickets.listing``).

Each ticket is counted in up to four rows of ``tickets_daycount``, told apart by ``kind``:

- ``a`` (``person_id`` 0): every ticket;
- ``r``: its requester;
- ``p``: its assignee, and its processor when that is someone else (the list's ``processor``
  filter matches either).

Triggers on ``tickets_ticket`` keep it (``tickets.triggers``): each insert adds the ticket's
rows, each delete takes them away, each update that changes a counted column does both
(statement-level with transition tables on PostgreSQL, so a COPY of thousands of tickets is one
upsert; row-level on SQLite). Rows that fall to zero stay.
"""

from __future__ import annotations

from servicetickets.tickets.triggers import Kept, statement_triggers

TABLE = "tickets_daycount"
TICKETS = "tickets_ticket"
EVERY, REQUESTER, PROCESSOR = "a", "r", "p"
#: The ticket columns a row is counted by, besides its kind, person and day of submission.
KEY_COLUMNS = ("desk_id", "ticket_type_id", "state", "resolution")
KEY = ("kind", "person_id", "day", *KEY_COLUMNS)
#: Every column the rows of a ticket depend on: an update of none of them changes nothing.
WATCHED = ("submitted_at", *KEY_COLUMNS, "requester_id", "assignee_id", "processed_by_id")
#: (kind, person, condition) of the rows a ticket ``r`` is counted in.
_PEOPLE = (
    (EVERY, "0", "true"),
    (REQUESTER, "r.requester_id", "true"),
    (PROCESSOR, "r.assignee_id", "r.assignee_id IS NOT NULL"),
    (
        PROCESSOR,
        "r.processed_by_id",
        "r.processed_by_id IS NOT NULL"
        " AND (r.assignee_id IS NULL OR r.assignee_id <> r.processed_by_id)",
    ),
)


def day_sql(vendor: str, column: str) -> str:
    """The UTC day of a timestamp column."""
    if vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"  # SQLite keeps UTC text


def _create(vendor: str) -> list[str]:
    return [
        f"CREATE TABLE {TABLE} (kind char(1) NOT NULL, person_id bigint NOT NULL,"
        " day date NOT NULL, desk_id bigint NOT NULL, ticket_type_id bigint NOT NULL,"
        " state varchar(12) NOT NULL, resolution varchar(12) NOT NULL,"
        f" n bigint NOT NULL DEFAULT 0, PRIMARY KEY ({', '.join(KEY)}))"
    ]


def _counted(vendor: str, source: str, sign: int) -> str:
    """``(key…, n)`` rows: each ticket of ``source`` (a table, or a one-row subquery, aliased
    ``r``) counted ``sign`` times in each of its rows."""
    columns = ", ".join(f"r.{c}" for c in KEY_COLUMNS)
    day = day_sql(vendor, "r.submitted_at")
    return " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, {person} AS person_id, {day} AS day, {columns}, {sign} AS n"
        f" FROM {source} r WHERE {condition}"
        for kind, person, condition in _PEOPLE
    )


def _upsert(selects: str) -> str:
    """Add the summed ``n`` of ``selects`` to the table, in key order (concurrent writers lock
    rows in one order), leaving out keys whose sum is zero (an update that changes nothing
    counted writes nothing)."""
    key = ", ".join(KEY)
    return (
        f"INSERT INTO {TABLE} ({key}, n) SELECT {key}, SUM(n) FROM ({selects}) AS c WHERE true"
        f" GROUP BY {key} HAVING SUM(n) <> 0 ORDER BY {key}"
        f" ON CONFLICT ({key}) DO UPDATE SET n = {TABLE}.n + excluded.n"
    )


def _row_of(prefix: str) -> str:
    """A one-row subquery of the counted columns, from a SQLite trigger's OLD or NEW."""
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in WATCHED) + ")"


def _triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        new = _counted(vendor, "new_rows", 1)
        old = _counted(vendor, "old_rows", -1)
        bodies = {
            "insert": (_upsert(new), "REFERENCING NEW TABLE AS new_rows"),
            "update": (
                _upsert(f"{new} UNION ALL {old}"),
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ),
            "delete": (_upsert(old), "REFERENCING OLD TABLE AS old_rows"),
        }
        return statement_triggers(TABLE, TICKETS, bodies)
    new = _counted(vendor, _row_of("NEW"), 1)
    old = _counted(vendor, _row_of("OLD"), -1)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {TICKETS} BEGIN {_upsert(new)}; END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {', '.join(WATCHED)} ON {TICKETS}"
        f" WHEN {changed} BEGIN {_upsert(f'{new} UNION ALL {old}')}; END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {TICKETS} BEGIN {_upsert(old)}; END",
    ]


def _fill(vendor: str) -> list[str]:
    return [f"DELETE FROM {TABLE}", _upsert(_counted(vendor, TICKETS, 1))]


KEPT = Kept(
    table=TABLE,
    create=_create,
    triggers=_triggers,
    fill=_fill,
    source=TICKETS,
)
ensure_installed = KEPT.ensure_installed
