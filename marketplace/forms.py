from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.fields import MonthField, RupiahField
from programs.models import Business, Event, Regency, Sector
from programs.uploads import validate_spreadsheet_upload
from programs.roles import Role, role_of

from .models import Marketplace, Onboarding


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MarketplaceForm(forms.ModelForm):
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Marketplace
        fields = ["name", "code", "url", "active"]

    def validate_unique(self):
        """The service says it (with the marketplace's name)."""


class OnboardingForm(forms.Form):
    """A shop on a marketplace. Owners choose one of their businesses; officers name the
    business by its NIB (a province has thousands)."""

    business = forms.ModelChoiceField(queryset=Business.objects.none(), label=_("Business"))
    nib = forms.RegexField(regex=r"^\d{13}$", label=_("NIB of the business"), max_length=13,
                           error_messages={"invalid": _("An NIB has exactly 13 digits.")})
    marketplace = forms.ModelChoiceField(queryset=Marketplace.objects.filter(active=True), label=_("Marketplace"))
    shop_name = forms.CharField(label=_("Shop name"), max_length=200)
    shop_url = forms.URLField(label=_("Shop URL"), max_length=500, required=False, assume_scheme="https",
                              widget=forms.URLInput(attrs={"placeholder": "https://www.tokopedia.com/nama-toko", "inputmode": "url"}))
    onboarded = forms.DateField(label=_("Onboarded on"), widget=DateInput)
    source = forms.ChoiceField(label=_("How it came about"), choices=[choice for choice in Onboarding.Source.choices if choice[0] != Onboarding.Source.OWNER])
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Workshop"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Onboarding.Status.choices)
    products_listed = forms.IntegerField(label=_("Products listed"), min_value=0, max_value=10_000_000, initial=0)

    def __init__(self, *args, user, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {
                "nib": instance.business.nib, "business": instance.business_id, "marketplace": instance.marketplace_id, "shop_name": instance.shop_name,
                "shop_url": instance.shop_url, "onboarded": instance.onboarded, "source": instance.source, "event": instance.event_id,
                "status": instance.status, "products_listed": instance.products_listed,
            })
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.fields["onboarded"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["products_listed"].widget.attrs["inputmode"] = "numeric"
        if instance is not None:
            self.fields["marketplace"].queryset = Marketplace.objects.all()
        if role_of(user) == Role.OWNER:
            self.fields["business"].queryset = Business.objects.editable_by(user).order_by("name")
            del self.fields["nib"], self.fields["source"], self.fields["event"]
        else:
            del self.fields["business"]
            # The events of the user's scope, newest first.
            self.fields["event"].queryset = Event.objects.visible_to(user).order_by("-starts_at")
            if instance is not None:
                self.fields["nib"].disabled = True
                self.fields["nib"].required = False

    def clean(self):
        cleaned = super().clean()
        if "nib" in self.fields and not self.fields["nib"].disabled and cleaned.get("nib"):
            business = Business.objects.visible_to(self.user).filter(nib=cleaned["nib"]).first()
            if business is None:
                self.add_error("nib", _("No business of your scope has this NIB."))
            cleaned["business"] = business
        if self.instance is not None:
            cleaned["business"] = self.instance.business
        return cleaned

    def onboarding_data(self):
        data = {name: self.cleaned_data[name] for name in ("shop_name", "shop_url", "onboarded", "status", "products_listed")}
        if "source" in self.fields:
            data["source"], data["event"] = self.cleaned_data["source"], self.cleaned_data.get("event")
        return data


class UploadForm(forms.Form):
    marketplace = forms.ModelChoiceField(queryset=Marketplace.objects.filter(active=True), label=_("Marketplace"))
    month = MonthField(label=_("Month reported"))
    file = forms.FileField(label=_("Report (XLSX or CSV)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        uploaded_file = self.cleaned_data["file"]
        # Partner reports are larger than other uploads (settings.PARTNER_REPORT_MAX_MB).
        validate_spreadsheet_upload(uploaded_file, max_bytes=settings.PARTNER_REPORT_MAX_BYTES)
        return uploaded_file

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate():
            raise forms.ValidationError(_("The month cannot be in the future."))
        return month


class ReviewSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a business of your province (name or NIB)"), max_length=100, required=False)


class ReviewBusinessForm(forms.Form):
    """Register the seller as a new business (the registry's own validation applies)."""

    name = forms.CharField(label=_("Business name"), max_length=200)
    owner_name = forms.CharField(label=_("Owner name"), max_length=150)
    nib = forms.CharField(label=_("NIB"), max_length=13, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    regency = forms.ModelChoiceField(queryset=Regency.objects.none(), label=_("Regency or city"))
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), label=_("Sector"))
    workforce = forms.IntegerField(label=_("Workforce"), min_value=0, max_value=100_000)
    investment = RupiahField(label=_("Investment value (Rp)"), min_value=0)

    def __init__(self, *args, user, review, **kwargs):
        kwargs.setdefault("initial", {"name": review.name, "nib": review.nib, "phone": review.phone, "regency": review.regency_id})
        super().__init__(*args, **kwargs)
        from programs.roles import province_id_of

        regencies = Regency.objects.order_by("code")
        if role_of(user) == Role.OFFICER:
            regencies = regencies.filter(province_id=province_id_of(user))
        elif review.province_id:
            regencies = regencies.filter(province_id=review.province_id)
        self.fields["regency"].queryset = regencies

    def business_data(self):
        data = dict(self.cleaned_data)
        data["nib"] = data["nib"] or None
        return data


class SalesForm(forms.Form):
    """A shop's sales in a month; a month reported again is corrected (the service says what
    is refused: future months, negative amounts)."""

    month = MonthField(label=_("Month"))
    value = RupiahField(label=_("Sales (Rp)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].widget.attrs["max"] = timezone.localdate().strftime("%Y-%m")


class MeetingOutcomeForm(forms.Form):
    """What came of a business-matching meeting (ministry staff); checked by the service."""

    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_ups = forms.CharField(label=_("Follow-ups"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    mou_signed = forms.BooleanField(label=_("MoU signed"), required=False)
    mou_value = RupiahField(label=_("MoU value (Rp)"), required=False)
    realised_value = RupiahField(label=_("Value realised (Rp)"), required=False)

    FIELDS = ["outcome", "follow_ups", "mou_signed", "mou_value", "realised_value"]

    def data_for_service(self):
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        for name in ("mou_value", "realised_value"):
            if data[name] is None:
                data[name] = 0
        return data
