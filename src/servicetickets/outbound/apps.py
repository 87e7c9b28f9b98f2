from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "servicetickets.outbound"
    label = "outbound"
