from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "kiosk"
