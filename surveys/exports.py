"""Raw responses export (issue 12, point 5): a wave's response list, with the list's filters,
as CSV (streamed) or XLSX (built by a worker with progress, like the business export).

Rows are ``SurveyResponse.objects.visible_to(user)`` of the wave narrowed by
:class:`~surveys.filtersets.SurveyResponseFilterSet`; the owner's name and phone are columns
only for users who may see personal data (as in the business export). Headers are in the
portal's language, codes come with labels (operating status, problems, needs, warnings),
and amounts stay whole numbers. The CSV uses ``;`` as Excel set to Indonesian expects.
"""
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.exports import (
    Column, ExportKind, columns_export, csv_stream, export_timezone,
)
from programs.selectors import can_see_personal_data

from .choices import Channel, Need, OperatingStatus, Problem, ReviewStatus
from .choices import Warning as ResponseWarning
from .filtersets import SurveyResponseFilterSet
from .models import SurveyResponse

RESPONSE_COLUMNS = [
    Column("id", gettext_lazy("Response ID"), number=True),
    Column("wave", gettext_lazy("Wave"), F("wave__code")),
    Column("business", gettext_lazy("Business ID"), F("business_id"), number=True),
    Column("business_name", gettext_lazy("Business name"), F("business__name")),
    Column("nib", gettext_lazy("NIB"), F("business__nib")),
    Column("owner_name", gettext_lazy("Owner name"), F("business__owner_name")),
    Column("phone", gettext_lazy("Phone"), F("business__phone")),
    Column("province", gettext_lazy("Province code"), F("province__code")),
    Column("province_name", gettext_lazy("Province"), F("province__name")),
    Column("regency", gettext_lazy("Regency or city code"), F("regency__code")),
    Column("regency_name", gettext_lazy("Regency or city"), F("regency__name")),
    Column("sector", gettext_lazy("Sector code"), F("sector__slug")),
    Column("sector_name", gettext_lazy("Sector"), F("sector__name")),
    Column("scale", gettext_lazy("Scale")),
    Column("turnover_before", gettext_lazy("Turnover in the baseline month (Rp)"), number=True),
    Column("turnover_after", gettext_lazy("Turnover in the reported month (Rp)"), number=True),
    Column("capacity_before", gettext_lazy("Capacity used before (%)"), number=True),
    Column("capacity_after", gettext_lazy("Capacity used after (%)"), number=True),
    Column("workers_before", gettext_lazy("Workers before"), number=True),
    Column("workers_after", gettext_lazy("Workers after"), number=True),
    Column("workers_furloughed", gettext_lazy("Sent home (dirumahkan)"), number=True),
    Column("workers_laid_off", gettext_lazy("Laid off (PHK)"), number=True),
    Column("operating_status", gettext_lazy("Operating status")),
    Column("problems", gettext_lazy("Problems met")),
    Column("needs", gettext_lazy("Assistance needed")),
    Column("diversified", gettext_lazy("Diversified into a new product")),
    Column("diversification_product", gettext_lazy("New product (e.g. cloth masks)")),
    Column("export_postponed_value", gettext_lazy("Postponed export commitments (Rp)"), number=True),
    Column("export_postponed_country", gettext_lazy("Destination country (2 letters)")),
    Column("notes", gettext_lazy("Notes")),
    Column("status", gettext_lazy("Review status")),
    Column("warnings", gettext_lazy("Warning")),
    Column("warnings_confirmed", gettext_lazy("warnings confirmed")),
    Column("channel", gettext_lazy("Channel")),
    Column("updated_at", gettext_lazy("Last updated")),
]
PERSONAL_KEYS = frozenset({"owner_name", "phone"})


def response_export_queryset(user, params):
    queryset = SurveyResponse.objects.visible_to(user)
    filterset = SurveyResponseFilterSet(params, queryset=queryset)
    # Without a wave, or with filters the list would refuse, nothing (never "everything").
    if not params.get("wave") or not filterset.is_valid():
        return queryset.none()
    return filterset.qs.order_by("pk")


def response_export(user, params):
    """The export of ``user``'s responses filtered by ``params`` (a QueryDict with ``wave``)."""
    personal = can_see_personal_data(user)
    columns = [column for column in RESPONSE_COLUMNS if personal or column.key not in PERSONAL_KEYS]
    queryset = response_export_queryset(user, params)
    with translation.override(settings.LANGUAGE_CODE):
        headers = [capfirst(str(column.header)) for column in columns]
        labels = {
            "scale": {value: str(label) for value, label in SurveyResponse._meta.get_field("scale").choices},
            "operating_status": {value: str(label) for value, label in OperatingStatus.choices},
            "status": {value: str(label) for value, label in ReviewStatus.choices},
            "channel": {value: str(label) for value, label in Channel.choices},
            "diversified": {True: _("Yes"), False: _("No")},
            "warnings_confirmed": {True: _("Yes"), False: _("No")},
        }
        list_labels = {
            "problems": {value: str(label) for value, label in Problem.choices},
            "needs": {value: str(label) for value, label in Need.choices},
            "warnings": {value: str(label) for value, label in ResponseWarning.choices},
        }
    zone = export_timezone(user)

    def convert(key, value):
        if value is None:
            return None
        if key in labels:
            return labels[key].get(value, value)
        if key in list_labels:
            return "; ".join(list_labels[key].get(code, code) for code in value or [])
        if key == "updated_at":
            return timezone.localtime(value, zone).replace(tzinfo=None, microsecond=0)
        return value

    return columns_export(queryset, columns, headers, convert)


def response_csv_stream(user, params):
    return csv_stream(response_export(user, params), delimiter=";")


def _back_to_the_list(params):
    wave = (params.get("wave") or [""])[0] if isinstance(params.get("wave"), list) else params.get("wave", "")
    return reverse("survey-response-list", args=[wave]) if wave else reverse("survey-wave-list")


RESPONSES_KIND = ExportKind(
    build=response_export, filterset=SurveyResponseFilterSet, sheet=gettext_lazy("Responses"), file_prefix="jawaban-survei",
    title=gettext_lazy("Export of survey responses (XLSX)"), back_label=gettext_lazy("Back to the responses"), back_url=_back_to_the_list,
)
