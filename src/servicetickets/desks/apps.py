from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "servicetickets.desks"
    label = "desks"
