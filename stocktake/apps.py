from django.apps import AppConfig


class StocktakeConfig(AppConfig):
    name = "stocktake"
