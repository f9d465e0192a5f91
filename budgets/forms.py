from django import forms
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from programs.fields import MonthField, RupiahField

from .models import FIRST_YEAR, LAST_YEAR, MONEY_LIMIT, Activity, Revision


class RealisationForm(forms.Form):
    """One payment order, as the satker's officer types it from the SP2D."""

    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=pgettext_lazy("budget", "Activity"))
    payment_number = forms.CharField(label=_("Payment order number (SP2D)"), max_length=40)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=MONEY_LIMIT)
    account = forms.RegexField(regex=r"^5\d{5}$", label=_("Expenditure account"), max_length=6, initial="521211",
                               error_messages={"invalid": _("An expenditure account has 6 digits and starts with 5, e.g. 521211.")})
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, allocation, shown=None, **kwargs):
        """``shown``: the activities to offer in the list (those on the page being read); a
        province may have thousands, and the choice is checked against all of them."""
        super().__init__(*args, **kwargs)
        activities = allocation.activities.exclude(status=Activity.Status.CANCELLED).order_by("planned_start", "id")
        self.fields["activity"].queryset = activities if shown is None else activities.filter(pk__in=shown)

    def offer_only_the_chosen(self):
        """After a refused POST, list only the activity that was chosen (not thousands)."""
        chosen = str(self.data.get("activity", ""))
        self.fields["activity"].queryset = self.fields["activity"].queryset.filter(pk=int(chosen) if chosen.isdigit() else 0)


class ActivityForm(forms.ModelForm):
    """An activity as the province's officer enters it; the allocation's limits are checked
    by ``services.activity_save`` and shown next to the field they concern."""

    planned_start = MonthField(label=_("Planned start month"))
    planned_end = MonthField(label=_("Planned end month"))
    actual_start = MonthField(label=_("Actual start month"), required=False)
    actual_end = MonthField(label=_("Actual end month"), required=False)
    budget = RupiahField(label=_("Budget (Rp)"), min_value=0, max_value=MONEY_LIMIT)
    beneficiary_nibs = forms.CharField(
        label=_("Businesses that benefited (NIB)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("NIBs of the province's registered businesses, separated by commas, spaces or lines."),
    )

    class Meta:
        model = Activity
        fields = ["kind", "name", "output", "unit", "target", "regency", "mode", "planned_start", "planned_end",
                  "actual_start", "actual_end", "status", "status_reason", "budget", "partners", "events"]
        widgets = {"partners": forms.CheckboxSelectMultiple, "events": forms.CheckboxSelectMultiple}

    def __init__(self, *args, allocation, user, **kwargs):
        super().__init__(*args, **kwargs)
        from programs.models import Business, Event, Organisation, Regency

        self.allocation, self.businesses = allocation, Business.objects.visible_to(user).filter(province=allocation.province)
        self.fields["regency"].queryset = Regency.objects.filter(province=allocation.province).order_by("name")
        self.fields["partners"].queryset = Organisation.objects.exclude(kind__in=[Organisation.Kind.MARKETPLACE, Organisation.Kind.FOREIGN_BUYER]).order_by("name")
        self.fields["partners"].required = False
        # The events the activity may have funded: those the province organised that year.
        self.fields["events"].queryset = Event.objects.visible_to(user).filter(organiser_province=allocation.province, starts_at__year=allocation.year).order_by("starts_at")
        self.fields["events"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["beneficiary_nibs"] = "\n".join(self.instance.beneficiaries.order_by("nib").values_list("nib", flat=True))

    def clean_beneficiary_nibs(self):
        import re

        nibs = list(dict.fromkeys(re.findall(r"[^\s,;]+", self.cleaned_data["beneficiary_nibs"])))
        if len(nibs) > 5000:
            raise forms.ValidationError(_("At most 5,000 businesses per activity."))
        found = dict(self.businesses.filter(nib__in=nibs).values_list("nib", "pk"))
        unknown = [nib for nib in nibs if nib not in found]
        if unknown:
            raise forms.ValidationError(_("Not registered in %(province)s: %(nibs)s.") % {
                "province": self.allocation.province.name, "nibs": ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")})
        return [found[nib] for nib in nibs]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end month cannot come before the start month."))
        return cleaned


class OutputReportForm(forms.Form):
    """What an activity produced in one month, with evidence (a report number, photos kept where)."""

    month = MonthField(label=_("Month"))
    volume = forms.IntegerField(label=_("Volume"), min_value=0, max_value=100_000_000)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("e.g. the handover report number, attendance list, photos kept at the office."))


MONTH_NAMES = [_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"), _("August"),
               _("September"), _("October"), _("November"), _("December")]


class PlanForm(forms.Form):
    """A withdrawal plan (RPD): what the satker plans to spend in each month."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"month_{number}"] = RupiahField(label=name, min_value=0, max_value=MONEY_LIMIT, initial=0)

    def months(self):
        return [self.cleaned_data[f"month_{number}"] or 0 for number in range(1, 13)]


class RevisionForm(forms.Form):
    """A revision of the ceiling approved by the ministry (refocusing, block, unblock, …)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Revision.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ceiling = RupiahField(label=_("Ceiling after the revision (Rp)"), min_value=0, max_value=MONEY_LIMIT)
    blocked = RupiahField(label=_("Blocked after the revision (Rp)"), min_value=0, max_value=MONEY_LIMIT, initial=0)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.CharField(label=_("Document reference"), max_length=100, required=False)


class AllocationForm(forms.Form):
    """A province's allocation for a fiscal year (its satker and original ceiling)."""

    year = forms.IntegerField(label=_("Fiscal year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    province = forms.ModelChoiceField(label=_("Province"), queryset=None)
    satker_code = forms.RegexField(label=_("Satker code"), regex=r"^\d{6}$", max_length=6,
                                   error_messages={"invalid": _("A satker code has 6 digits.")})
    satker_name = forms.CharField(label=_("Satker name"), max_length=200)
    ceiling = RupiahField(label=_("Original ceiling (Rp)"), min_value=0, max_value=MONEY_LIMIT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from programs.models import Province

        self.fields["province"].queryset = Province.objects.order_by("code")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
