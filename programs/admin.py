from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Business, BusinessClaim, Event, ExportJob, KbliDivision, Organisation, Profile, Province, Regency, Registration, Sector


class ScopedAdminMixin:
    """Admin lists go through the same door as pages and the API."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "iso_code", "bps_code", "timezone", "parent_2020"]
    list_filter = ["timezone"]
    search_fields = ["code", "name"]


@admin.register(Regency)
class RegencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "code_2021", "bps_code"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name", "code_2021", "bps_code"]
    list_select_related = ["province"]


class KbliDivisionInline(admin.TabularInline):
    model = KbliDivision
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "name_en", "order"]
    inlines = [KbliDivisionInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "province", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Business)
class BusinessAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "nib", "regency", "province", "sector", "scale", "workforce", "status", "is_exporter", "updated_at"]
    list_filter = ["province", "sector", "scale", "status", "is_exporter"]
    search_fields = ["name", "nib", "owner_name"]
    list_select_related = ["province", "regency", "sector"]
    raw_id_fields = ["owner", "created_by"]
    autocomplete_fields = ["regency"]
    readonly_fields = ["province", "scale", "created_at", "updated_at"]
    show_full_result_count = False  # a million rows: skip the second COUNT(*)

    def save_model(self, request, obj, form, change):
        # Province and scale follow from regency, workforce and investment, as in every channel.
        from .services import _business_validate

        _business_validate(obj)
        super().save_model(request, obj, form, change)


@admin.register(BusinessClaim)
class BusinessClaimAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["business", "claimant", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["business", "claimant", "decided_by"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["business", "status", "waiting_number", "attended", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False  # registrations go through the services (capacity, waiting list)


@admin.register(Event)
class EventAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_at", "province", "organiser_province", "status", "seats_taken", "capacity"]
    list_filter = ["status", "kind", "mode", "organiser_province"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    readonly_fields = ["seats_taken"]
    inlines = [RegistrationInline]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "file_format", "user", "status", "done_rows", "total_rows", "created_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["user"]


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
