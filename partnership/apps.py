from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
