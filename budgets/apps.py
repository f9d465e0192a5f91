from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    verbose_name = _("Deconcentration budgets")
    name = "budgets"
