from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    verbose_name = _("Marketplace onboarding")
    name = "marketplace"

    def ready(self):
        from programs.models import Business

        from . import signals

        # programs knows nothing of marketplace (DESIGN.md): the shops follow their business
        # from here, and a removed shop may hand "first shop" to another of the business.
        post_save.connect(signals.business_saved, sender=Business, dispatch_uid="marketplace-business-saved")
        post_delete.connect(signals.onboarding_deleted, sender="marketplace.Onboarding", dispatch_uid="marketplace-onboarding-deleted")
