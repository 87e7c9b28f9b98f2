from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The report pages' templates and static files (the reports hold no models of their own;
    their tally table belongs to the tickets' migrations)."""

    name = "servicetickets.reports"
    label = "reports"
