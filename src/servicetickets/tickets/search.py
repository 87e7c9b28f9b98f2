"""Free-text search of the ticket list: each ticket's number, title and form values, found by
substring like ``icontains``, in any script (Chinese has no spaces for a word tokeniser to split
on, so the index is of character trigrams, not words).

``tickets_search`` holds one search text per ticket: the number, the title and every value of
its form data (texts, choices, member usernames, dates, numbers, table cells; not the upload ids
of image and file fields, found by the kinds of the ticket's form version), one per line.
Triggers on ``tickets_ticket`` keep it (see ``tickets.triggers``):

- SQLite: an FTS5 table with the ``trigram`` tokenizer (case-insensitive), the ticket id as its
  rowid. A search of three characters or more is an FTS5 phrase query, which matches exactly
  the texts holding it as a substring.
- PostgreSQL: a table of lower-cased texts with a ``pg_trgm`` GIN index; the search is
  ``LIKE`` of the lower-cased words, which the index answers from three characters on.

Each row also carries a copy of the ticket columns the list filters and sorts by (``COPIED``),
so a search that matches tens of thousands of tickets is filtered, counted and sorted there,
without reading each ticket (``tickets.searchlist``). The same triggers keep the copies.

One or two characters make no trigram, so such a search reads every search text (about 0.1 s
on PostgreSQL and 0.25 s on SQLite per million tickets, see ``bench/ticket_list.py``): still
the same substring match, only slower. Two-character Chinese words are common, so refusing
them, or matching them some other way, would be worse.

The user's words are never SQL or FTS5 syntax: they are a bound parameter, quoted as one FTS5
phrase, or escaped for ``LIKE``.
"""

from __future__ import annotations

from servicetickets.tickets.triggers import Kept, statement_triggers

TABLE = "tickets_search"
TICKETS = "tickets_ticket"
#: A ticket column the search text is made of.
SOURCE_COLUMNS = ("number", "title", "data", "ticket_type_id", "form_version")
#: Ticket columns copied beside the text (the list's filters and orderings).
COPIED = (
    "number",
    "submitted_at",
    "desk_id",
    "ticket_type_id",
    "requester_id",
    "state",
    "resolution",
)
#: An update of none of these leaves the row as it is.
WATCHED = tuple(dict.fromkeys((*SOURCE_COLUMNS, *COPIED)))
#: The column holding the ticket id.
ID_COLUMN = {"postgresql": "ticket_id", "sqlite": "rowid"}
#: Shorter searches make no trigram and read every search text.
INDEXED_LENGTH = 3
_UPLOAD_KINDS = "('image', 'file')"


def _sqlite_document(row: str) -> str:
    """The search text of the ticket ``row`` (``NEW`` or a table alias) on SQLite."""
    uploads = (
        "SELECT json_extract(d.value, '$.key') FROM tickettypes_formversion fv,"
        " json_each(fv.fields) AS d"
        f" WHERE fv.ticket_type_id = {row}.ticket_type_id AND fv.version = {row}.form_version"
        f" AND json_extract(d.value, '$.kind') IN {_UPLOAD_KINDS}"
    )
    values = (
        "SELECT group_concat(v.atom, char(10))"
        f" FROM json_each({row}.data) AS f, json_tree({row}.data, '$.' || f.key) AS v"
        f" WHERE v.atom IS NOT NULL AND f.key NOT IN ({uploads})"
    )
    return f"{row}.number || char(10) || {row}.title || coalesce(char(10) || ({values}), '')"


_PG_FUNCTION = f"""
CREATE FUNCTION {TABLE}_document(text, text, jsonb, bigint, bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT lower($1 || E'\\n' || $2 || coalesce(E'\\n' || (
    SELECT string_agg(v #>> '{{}}', E'\\n')
    FROM jsonb_each($3) AS f, jsonb_path_query(f.value, 'strict $.**') AS v
    WHERE jsonb_typeof(v) NOT IN ('object', 'array')
      AND f.key NOT IN (
        SELECT d ->> 'key' FROM tickettypes_formversion fv, jsonb_array_elements(fv.fields) d
        WHERE fv.ticket_type_id = $4 AND fv.version = $5
          AND d ->> 'kind' IN {_UPLOAD_KINDS})), ''))
$$"""


def _pg_document(row: str) -> str:
    columns = ", ".join(f"{row}.{c}" for c in SOURCE_COLUMNS)
    return f"{TABLE}_document({columns})"


def _create(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            _PG_FUNCTION,
            # Room on each page lets a copied column change in place (a HOT update), without
            # indexing the text again.
            f"CREATE TABLE {TABLE} (ticket_id bigint PRIMARY KEY, document text NOT NULL,"
            " number varchar(20) NOT NULL, submitted_at timestamp with time zone NOT NULL,"
            " desk_id bigint NOT NULL, ticket_type_id bigint NOT NULL,"
            " requester_id bigint NOT NULL, state varchar(12) NOT NULL,"
            " resolution varchar(12) NOT NULL) WITH (fillfactor = 80)",
            f"CREATE INDEX {TABLE}_trigrams ON {TABLE} USING gin (document gin_trgm_ops)",
        ]
    copied = ", ".join(f"{c} UNINDEXED" for c in COPIED)
    return [f"CREATE VIRTUAL TABLE {TABLE} USING fts5(document, {copied}, tokenize = 'trigram')"]


def _columns(vendor: str) -> str:
    return ", ".join((ID_COLUMN[vendor], "document", *COPIED))


def _values(vendor: str, row: str) -> str:
    document = _pg_document(row) if vendor == "postgresql" else _sqlite_document(row)
    return ", ".join((f"{row}.id", document, *(f"{row}.{c}" for c in COPIED)))


def _triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        rewritten = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in SOURCE_COLUMNS)
        changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in WATCHED)
        copies = ", ".join(f"{c} = n.{c}" for c in COPIED)
        bodies = {
            "insert": (
                f"INSERT INTO {TABLE} ({_columns(vendor)})"
                f" SELECT {_values(vendor, 'n')} FROM new_rows n",
                "REFERENCING NEW TABLE AS new_rows",
            ),
            "update": (
                f"UPDATE {TABLE} s SET document = CASE WHEN {rewritten}"
                f" THEN {_pg_document('n')} ELSE s.document END, {copies}"
                f" FROM new_rows n JOIN old_rows o ON o.id = n.id"
                f" WHERE s.ticket_id = n.id AND ({changed})",
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ),
            "delete": (
                f"DELETE FROM {TABLE} s USING old_rows o WHERE s.ticket_id = o.id",
                "REFERENCING OLD TABLE AS old_rows",
            ),
        }
        return statement_triggers(TABLE, TICKETS, bodies)
    insert = f"INSERT INTO {TABLE} ({_columns(vendor)}) VALUES ({_values(vendor, 'NEW')})"
    delete = f"DELETE FROM {TABLE} WHERE rowid = OLD.id"
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {TICKETS} BEGIN {insert}; END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {', '.join(WATCHED)}"
        f" ON {TICKETS} WHEN {changed} BEGIN {delete}; {insert}; END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {TICKETS} BEGIN {delete}; END",
    ]


def _drop_function(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {TABLE}_document(text, text, jsonb, bigint, bigint)"]
    return []


def _fill(vendor: str) -> list[str]:
    insert = (
        f"INSERT INTO {TABLE} ({_columns(vendor)}) SELECT {_values(vendor, 't')} FROM {TICKETS} t"
    )
    return [f"DELETE FROM {TABLE}", insert]


KEPT = Kept(
    table=TABLE,
    create=_create,
    triggers=_triggers,
    fill=_fill,
    source=TICKETS,
    drop_also=_drop_function,
)
ensure_installed = KEPT.ensure_installed


def _like_pattern(words: str) -> str:
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def condition(vendor: str, words: str, alias: str = TABLE) -> tuple[str, list[str]]:
    """A condition on the table (aliased ``alias``) that holds for the tickets whose search
    text holds ``words`` (not empty), and its parameters."""
    if vendor == "postgresql":
        # lower() on both sides: the same folding as the stored text. A literal pattern (Django
        # binds parameters on the client) lets the planner use the trigram index.
        return f"{alias}.document LIKE lower(%s)", [_like_pattern(words)]
    if len(words) >= INDEXED_LENGTH:
        phrase = '"' + words.replace('"', '""') + '"'
        return f"{alias}.{TABLE} MATCH %s", [phrase]
    return f"{alias}.document LIKE %s ESCAPE '\\'", [_like_pattern(words)]


def matching_ids(vendor: str, words: str) -> tuple[str, list[str]]:
    """A SELECT of the ids of the tickets whose search text holds ``words``."""
    where, params = condition(vendor, words, alias="s")
    return f"SELECT s.{ID_COLUMN[vendor]} FROM {TABLE} s WHERE {where}", params
