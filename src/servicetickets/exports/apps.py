from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "servicetickets.exports"
    label = "exports"
