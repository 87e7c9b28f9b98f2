from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "servicetickets.uploads"
    label = "uploads"
