from django.apps import AppConfig


class PprlConfig(AppConfig):
    name = "pprl"
