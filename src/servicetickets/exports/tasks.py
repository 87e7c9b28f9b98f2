"""The background job of an export (Django's tasks framework, database backend)."""

from __future__ import annotations

from django.tasks import task


@task()
def export_run_task(export_id: str) -> int:
    """Write the export's file; return how many tickets it holds."""
    # Imported here: the services enqueue this task.
    from servicetickets.exports.services import export_run

    return export_run(export_id=export_id)
