from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import ScopedQuerySet


class Province(models.Model):
    """A province by its Kemendagri code (``31``). 38 today; 34 in 2020 (see ``parent_2020``)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, blank=True)
    bps_code = models.CharField(_("BPS code"), max_length=2, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, default="Asia/Jakarta")
    parent_2020 = models.ForeignKey(
        "self",
        verbose_name=_("province in 2020"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_into",
        help_text=_("For provinces created in 2022: the 2020 province they were part of."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Profile(models.Model):
    """What the portal knows of a user beyond ``auth.User``: an officer's province."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        help_text=_("Required for provincial officers: the province whose records they keep."),
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class BusinessQuerySet(ScopedQuerySet):
    province_field = "province"
    owner_field = "owner"


class Business(models.Model):
    """An IKM business. Scoped by its province; IKM owners keep their own."""

    name = models.CharField(_("business name"), max_length=200)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="businesses")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="businesses",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = BusinessQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self):
        return self.name
