"""The base of every request body the API reads."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class InSchema(Schema):
    """A request body: a property the endpoint does not own (``state``, ``requester``,
    ``desk_id``…) is refused as invalid, naming it, instead of being silently dropped, so a
    client never believes it set something it did not. The OpenAPI document says so too
    (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")
