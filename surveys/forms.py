from django import forms
from django.utils.translation import gettext_lazy as _

from programs.fields import RupiahField
from programs.models import Province, Sector
from programs.scale import Scale

from .choices import Need, OperatingStatus, Problem
from .models import SurveyWave


class SurveyWaveForm(forms.ModelForm):
    class Meta:
        model = SurveyWave
        fields = ["code", "title", "province", "baseline_month", "reported_month", "opens_on", "closes_on", "status"]
        # A date input shows and sends ISO dates whatever the language (the Indonesian format
        # 01-02-2020 would leave it empty).
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in ["baseline_month", "reported_month", "opens_on", "closes_on"]}

    def __init__(self, *args, province_choices, national_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = province_choices
        self.fields["province"].required = not national_allowed
        self.fields["province"].empty_label = _("National (all provinces)") if national_allowed else None

    def clean(self):
        cleaned = super().clean()
        # Months are kept as their first day; the order of the dates is the model's rule (``clean``).
        for name in ("baseline_month", "reported_month"):
            if cleaned.get(name):
                cleaned[name] = cleaned[name].replace(day=1)
        return cleaned


class ResponseForm(forms.Form):
    """One business's answers, typed fast: rupiah as officers write it, choices as checkboxes."""

    turnover_before = RupiahField(label=_("Turnover in the baseline month (Rp)"), min_value=0)
    turnover_after = RupiahField(label=_("Turnover in the reported month (Rp)"), min_value=0)
    capacity_before = forms.IntegerField(label=_("Capacity used before (%)"), min_value=0, max_value=100, required=False)
    capacity_after = forms.IntegerField(label=_("Capacity used after (%)"), min_value=0, max_value=100, required=False)
    workers_before = forms.IntegerField(label=_("Workers before"), min_value=0)
    workers_after = forms.IntegerField(label=_("Workers after"), min_value=0)
    workers_furloughed = forms.IntegerField(label=_("Sent home (dirumahkan)"), min_value=0, initial=0)
    workers_laid_off = forms.IntegerField(label=_("Laid off (PHK)"), min_value=0, initial=0)
    operating_status = forms.ChoiceField(label=_("Operating status"), choices=OperatingStatus.choices, widget=forms.RadioSelect)
    problems = forms.MultipleChoiceField(label=_("Problems met"), choices=Problem.choices, widget=forms.CheckboxSelectMultiple, required=False)
    needs = forms.MultipleChoiceField(label=_("Assistance needed"), choices=Need.choices, widget=forms.CheckboxSelectMultiple, required=False)
    diversified = forms.BooleanField(label=_("Diversified into a new product"), required=False)
    diversification_product = forms.CharField(label=_("New product (e.g. cloth masks)"), required=False, max_length=200)
    export_postponed_value = RupiahField(label=_("Postponed export commitments (Rp)"), min_value=0, required=False)
    export_postponed_country = forms.CharField(label=_("Destination country (2 letters)"), required=False, max_length=2)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_warnings = forms.BooleanField(label=_("I have checked the warnings: the figures are right."), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("capacity_before", "capacity_after", "workers_before", "workers_after", "workers_furloughed", "workers_laid_off"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["turnover_before"].widget.attrs["autofocus"] = True
        for name in ("operating_status", "problems", "needs"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class OwnerResponseForm(ResponseForm):
    """The same questions for an owner answering for their own business: warnings are
    confirmed by the province's officer, not by the owner."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confirm_warnings"]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    """A message in a response's thread (also the reason a response is returned)."""

    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment.")},
    )


class ProvinceChoiceForm(forms.Form):
    province = forms.ModelChoiceField(queryset=Province.objects.all(), to_field_name="code")


class ImpactSliceForm(forms.Form):
    """Which impact figures to show (dashboard pages, their exports and ``/api/v1/impact/``).
    Empty wave = the newest the user may see; empty province, sector or scale = all."""

    wave = forms.ModelChoiceField(queryset=SurveyWave.objects.none(), to_field_name="code", required=False, label=_("Wave"), empty_label=None)
    province = forms.ModelChoiceField(queryset=Province.objects.all(), to_field_name="code", required=False, label=_("Province"), empty_label=_("All provinces"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.order_by("name"), to_field_name="slug", required=False, label=_("Sector"), empty_label=_("All sectors"))
    scale = forms.ChoiceField(choices=[("", _("All scales")), *Scale.choices], required=False, label=_("Scale"))
    verified = forms.BooleanField(required=False, label=_("Verified data only"))

    def __init__(self, data=None, *, user, **kwargs):
        from .impact import waves_with_figures

        super().__init__(data, **kwargs)
        self.user = user
        self.fields["wave"].queryset = waves_with_figures(user)
        self.fields["wave"].error_messages["invalid_choice"] = _("No figures for this wave, or it is not yours to see.")
        self.fields["province"].error_messages["invalid_choice"] = _("Unknown province code.")
        self.fields["sector"].error_messages["invalid_choice"] = _("Unknown sector.")
        for name in ("province", "sector", "scale"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def clean_wave(self):
        wave = self.cleaned_data.get("wave")
        if wave is None:
            wave = self.fields["wave"].queryset.first()
            if wave is None:
                raise forms.ValidationError(_("There are no figures yet: no survey wave you may see has been summarised."))
        return wave

    def impact_slice(self, *, province=None):
        from .impact import ImpactSlice

        data = self.cleaned_data
        return ImpactSlice(
            wave=data["wave"], province=province or data.get("province"), sector=data.get("sector"),
            scale=data.get("scale") or "", verified_only=bool(data.get("verified")),
        )
