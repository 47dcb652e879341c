from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "laktasi.accounts"
    label = "accounts"
