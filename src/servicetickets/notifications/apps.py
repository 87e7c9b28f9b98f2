from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "servicetickets.notifications"
    label = "notifications"
