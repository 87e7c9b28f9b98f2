"""An id the database cannot hold names no row, through a foreign key too.

Django answers "no rows" for an integer field compared with a value beyond its column's range
(``pk=10**30``), but not for a foreign key (``ticket_type_id=10**30``): SQLite raises
``OverflowError`` and the request failed with 500. Registered for every foreign key in
``CoreConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models.fields.related_lookups import RelatedExact


class RelatedExactInRange(RelatedExact):
    lookup_name = "exact"

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        target = getattr(self.lhs.output_field, "target_field", None)
        if isinstance(self.rhs, int) and target is not None:
            low, high = connection.ops.integer_field_range(target.get_internal_type())
            if (low is not None and self.rhs < low) or (high is not None and self.rhs > high):
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)
