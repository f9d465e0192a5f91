from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Business, Profile, Province


class ScopedAdminMixin:
    """Admin lists go through the same door as pages and the API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "iso_code", "bps_code", "timezone", "parent_2020"]
    list_filter = ["timezone"]
    search_fields = ["code", "name"]


@admin.register(Business)
class BusinessAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "province", "owner", "updated_at"]
    list_filter = ["province"]
    search_fields = ["name"]
    list_select_related = ["province", "owner"]
    raw_id_fields = ["owner"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["province", "email_verified_at"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "role_names", "province", "is_active"]
    list_filter = ["groups", "is_active", "profile__province"]
    list_select_related = ["profile__province"]

    @admin.display(description="role")
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    @admin.display(description="province")
    def province(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.province if profile else None

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


admin.site.site_header = "Portal IKM — Kemenperin"
admin.site.site_title = "Portal IKM"
