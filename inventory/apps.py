from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (forgets the camera list's cached menus when a model or unit changes)
