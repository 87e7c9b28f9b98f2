from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "servicetickets.audit"
    label = "audit"
