from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programs.admin import ScopedAdminMixin

from .models import Marketplace, Onboarding, PartnerReport, SellerReview


@admin.register(Marketplace)
class MarketplaceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "url", "active"]
    search_fields = ["name", "code"]


@admin.register(Onboarding)
class OnboardingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["shop_name", "marketplace", "business", "province", "onboarded", "source", "status", "confirmed"]
    list_filter = ["marketplace", "source", "status", "confirmed", "province"]
    search_fields = ["shop_name", "business__name", "business__nib", "seller_id"]
    list_select_related = ["marketplace", "business", "province"]
    raw_id_fields = ["business", "event", "created_by"]


@admin.register(PartnerReport)
class PartnerReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "marketplace", "month", "province", "status", "rows_total", "rows_matched", "rows_queued", "created_at"]
    list_filter = ["marketplace", "status"]
    raw_id_fields = ["user"]


@admin.register(SellerReview)
class SellerReviewAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "marketplace", "province", "reason", "state", "row", "report"]
    list_filter = ["marketplace", "reason", "state", "province"]
    search_fields = ["name", "shop_name", "seller_id", "nib"]
    raw_id_fields = ["report", "business", "decided_by"]
