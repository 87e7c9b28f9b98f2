"""The ticket list at a million tickets: indexes that read each part of what a caller sees in
submission order (the assignee and processor ones gain the submission time), and three tables kept by triggers (``tickets.triggers``) — the search text of
each ticket (``tickets.search``), ticket counts per day (``tickets.daycounts``) and the types
each person acted on (``tickets.acted``) — filled from the data already there."""

from django.db import migrations, models

KEPT = ("search", "daycounts", "acted")


def install(apps, schema_editor):
    from importlib import import_module

    for name in KEPT:
        import_module(f"servicetickets.tickets.{name}").KEPT.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from importlib import import_module

    for name in reversed(KEPT):
        import_module(f"servicetickets.tickets.{name}").KEPT.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_report_tally"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="tickets_tic_assigne_9df644_idx"),
        migrations.RemoveIndex(model_name="ticket", name="tickets_tic_process_a1b8a1_idx"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["assignee", "state", "submitted_at"], name="tickets_tic_assigne_290a9b_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["processed_by", "state", "submitted_at"],
                name="tickets_tic_process_5d3a18_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["submitted_at"], name="tickets_tic_submitt_63f6b1_idx"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["state", "submitted_at"], name="tickets_tic_state_4bcdfa_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["desk", "state", "submitted_at"], name="tickets_tic_desk_id_a3e5e1_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["ticket_type", "state", "submitted_at"],
                name="tickets_tic_ticket__4db748_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["requester", "state", "submitted_at"],
                name="tickets_tic_request_daa971_idx",
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
