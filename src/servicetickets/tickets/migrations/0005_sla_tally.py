"""The reports' SLA columns: the tally gains the targets met (``reports.tally`` reinstalled
and refilled from the tickets), and open tickets get partial indexes by due time for the
live overdue counts."""

from django.db import migrations, models


def install(apps, schema_editor):
    from servicetickets.reports import tally

    tally.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_report_tally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["desk", "response_due_at"],
                name="tickets_response_due_open",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "pending"), ("state", "processing"), _connector="OR"),
                fields=["desk", "processing_due_at"],
                name="tickets_processing_due_open",
            ),
        ),
        # Backwards, the tally keeps the current code's columns (0004's reverse drops it).
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
    ]
