from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servicetickets.accounts"
    label = "accounts"
