"""The reports' running totals per day of submission, kept by triggers on the tickets table
(see ``servicetickets.reports.tally``), filled from the tickets already there."""

from django.db import migrations


def install(apps, schema_editor):
    from servicetickets.reports import tally

    tally.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from servicetickets.reports import tally

    tally.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0003_received_by_and_sla_due"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
