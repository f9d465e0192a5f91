from django.apps import AppConfig


class IkmPortalConfig(AppConfig):
    name = "ikm_portal"
    verbose_name = "IKM Portal"
