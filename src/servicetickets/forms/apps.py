from django.apps import AppConfig


class FormsConfig(AppConfig):
    """Listed in INSTALLED_APPS for its templates (``forms/input_*``, ``forms/display*``) and
    static files (``forms/*.js``, ``forms/forms.css``); it has no models."""

    name = "servicetickets.forms"
    label = "forms"
