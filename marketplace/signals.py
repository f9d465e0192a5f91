"""Keeping the shops' copies of their business's province, sector and scale (and which shop
is a business's first) right when the business or a shop changes outside the shop services."""
from .figures import figures_changed, settle_shops


def business_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # a new business has no shops yet; fixtures are loaded as they are
    if settle_shops([instance.pk]):
        figures_changed()


def onboarding_deleted(sender, instance, **kwargs):
    settle_shops([instance.business_id])
    figures_changed()
