from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "servicetickets.tickets"
    label = "tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from servicetickets.tickets.triggers import reinstall_dropped

        # A migration that rebuilds a table on SQLite drops its triggers: every table kept by
        # triggers (``tickets.triggers.KEPT``) checks and, if need be, reinstalls its own.
        post_migrate.connect(reinstall_dropped, sender=self, dispatch_uid="kept_by_triggers")
