from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "servicetickets.tickets"
    label = "tickets"
