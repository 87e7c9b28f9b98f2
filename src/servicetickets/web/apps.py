from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "servicetickets.web"
    label = "web"
