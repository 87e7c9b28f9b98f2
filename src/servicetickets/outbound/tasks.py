"""The background job of the outward channels (Django's tasks framework, database backend)."""

from __future__ import annotations

from django.tasks import task

QUEUE = "outbound"


@task(queue_name=QUEUE)
def deliver(delivery_ids: list[int]) -> int:
    """Send the given deliveries that are due and not yet sent; return how many went out."""
    # Imported here: sending enqueues this task again for retries.
    from servicetickets.outbound.sending import deliveries_send

    return deliveries_send(delivery_ids=delivery_ids)
