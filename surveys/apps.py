from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    verbose_name = _("COVID-impact surveys")
    name = "surveys"

    def ready(self):
        # The raw responses are exported by the same XLSX job machinery as the business list.
        from programs.exports import register_export_kind

        from .exports import RESPONSES_KIND

        register_export_kind("survey-responses", RESPONSES_KIND)
