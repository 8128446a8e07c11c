from django.apps import AppConfig


class MaseConfig(AppConfig):
    name = "mase"
