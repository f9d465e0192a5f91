from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    verbose_name = _("COVID-impact surveys")
    name = "surveys"
