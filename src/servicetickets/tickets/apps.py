from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "servicetickets.tickets"
    label = "tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from servicetickets.reports.tally import ensure_installed

        # A migration that rebuilds the tickets table on SQLite drops the reports' triggers.
        post_migrate.connect(ensure_installed, sender=self, dispatch_uid="reports_tally")
