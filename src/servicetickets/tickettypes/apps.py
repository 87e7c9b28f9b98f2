from django.apps import AppConfig


class TickettypesConfig(AppConfig):
    name = "servicetickets.tickettypes"
    label = "tickettypes"
