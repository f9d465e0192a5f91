from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .regions import TIME_ZONE_CHOICES
from .roles import Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name or e-mail"), max_length=254, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The user name or password is wrong. Both are case-sensitive."),
        "inactive": _("This account is not active yet. Open the link in the verification e-mail we sent you, or ask for a new one below."),
    }


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email", ""), first_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class BusinessForm(forms.ModelForm):
    """Officers register businesses of their province; owners register and keep their own."""

    province = forms.ModelChoiceField(queryset=None, label=_("Province"), to_field_name="code")
    confirm_not_duplicate = forms.BooleanField(
        required=False, label=_("I have checked: this is a different business, save it anyway.")
    )

    class Meta:
        from .models import Business

        model = Business
        fields = [
            "name", "nib", "status", "year_founded",
            "owner_name", "nik", "phone", "email",
            "province", "regency", "address",
            "sector", "kbli_code", "main_products", "workforce", "investment",
            "is_exporter", "export_destinations",
        ]

    def __init__(self, *args, user, **kwargs):
        from .fields import CountryCodesField, RupiahField
        from .models import Province, Regency, Sector
        from .roles import Role, province_id_of, role_of

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["investment"] = RupiahField(
            label=_("Investment value (Rp)"), min_value=0, help_text=self._meta.model._meta.get_field("investment").help_text
        )
        self.fields["export_destinations"] = CountryCodesField(
            label=_("Export destinations"), required=False, help_text=_("Country codes separated by commas, e.g. MY, SG, US.")
        )
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["nib"].widget.attrs.update(inputmode="numeric", maxlength=13, autocomplete="off")
        self.fields["nik"].widget.attrs.update(inputmode="numeric", maxlength=16, autocomplete="off")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        self.fields["year_founded"].widget.attrs.update(inputmode="numeric")
        self.fields["address"].widget.attrs.update(rows=2)
        self.fields["main_products"].widget.attrs.update(rows=2)

        # Officers work in their own province only; owners and admins may pick any.
        provinces = Province.objects.all()
        if role_of(user) == Role.OFFICER:
            provinces = provinces.filter(pk=province_id_of(user))
        self.fields["province"].queryset = provinces
        self.fields["province"].widget.attrs.update(
            {"hx-get": "/regions/regency-options/", "hx-target": "#id_regency", "hx-trigger": "change", "hx-swap": "innerHTML"}
        )
        # The regency picker lists the chosen province's regencies (htmx refreshes it).
        province_code = self.data.get(self.add_prefix("province")) if self.is_bound else None
        if not province_code and self.instance.pk:
            province_code = self.instance.province.code
        if not province_code and provinces.count() == 1:
            province_code = provinces.get().code
        if province_code and not self.is_bound:
            self.initial.setdefault("province", province_code)
        # Regencies are named by Kemendagri code in pages as in the API.
        self.fields["regency"].to_field_name = "code"
        self.fields["regency"].error_messages["invalid_choice"] = _("This regency or city is not in the chosen province.")
        if self.instance.pk and not self.is_bound:
            self.initial["regency"] = self.instance.regency.code
        self.fields["sector"].to_field_name = "slug"
        if self.instance.pk and not self.is_bound:
            self.initial["sector"] = self.instance.sector.slug
        self.fields["regency"].queryset = (
            Regency.objects.filter(province__code=province_code) if province_code else Regency.objects.none()
        )
        if not province_code:
            self.fields["regency"].help_text = _("Choose the province first.")

    def clean(self):
        cleaned = super().clean()
        province, regency = cleaned.get("province"), cleaned.get("regency")
        if province and regency and regency.province_id != province.pk:
            self.add_error("regency", _("This regency or city is not in the chosen province."))
        return cleaned

    def _post_clean(self):
        # Model validation runs in the business_save service (one place for every channel).
        # When the form already has errors the service is not reached, so its checks (NIB,
        # NIK, phone, year, KBLI…) are run here on the valid part: every error shows at once,
        # not in rounds.
        if not self.errors:
            return
        from django.core.exceptions import ValidationError

        from .services import BUSINESS_FIELDS, _business_validate

        # A copy to check, so the form's own instance is left as it was.
        candidate = type(self.instance)(**{field.attname: getattr(self.instance, field.attname) for field in self.instance._meta.concrete_fields})
        candidate._state.adding = self.instance._state.adding
        for field in BUSINESS_FIELDS:
            if field in self.cleaned_data:
                setattr(candidate, field, self.cleaned_data[field])
        try:
            _business_validate(candidate)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if target not in self.errors:
                    for message in messages:
                        self.add_error(target, message)

    def business_data(self):
        from .services import BUSINESS_FIELDS

        return {field: self.cleaned_data.get(field) for field in BUSINESS_FIELDS if field in self.cleaned_data}


class BusinessClaimForm(forms.Form):
    nib = forms.CharField(label=_("NIB of your business"), max_length=13, min_length=13, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    message = forms.CharField(label=_("Message to the officer (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(forms.ModelForm):
    """Create or change an event. Times are entered in the event's own time zone."""

    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    # A link typed without a scheme (zoom.us/j/...) is read as https://.
    meeting_link = forms.URLField(label=_("meeting link"), required=False, assume_scheme="https", help_text=_("Shown only to confirmed participants."))
    eligible_scales = forms.MultipleChoiceField(label=_("For scales"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("Empty: every scale."))
    timezone = forms.ChoiceField(label=_("time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        from .models import Event

        model = Event
        fields = [
            "title", "kind", "topics", "description", "mode", "province", "regency", "venue", "meeting_link", "timezone",
            "starts_at", "ends_at", "capacity", "registration_opens", "registration_closes", "eligible_sectors",
            "eligible_provinces", "eligible_scales", "partners", "status",
        ]
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            for name in ("starts_at", "ends_at", "registration_opens", "registration_closes")
        }

    def __init__(self, *args, wall_clock_times=True, **kwargs):
        from .models import Event, Province
        from .scale import Scale

        super().__init__(*args, **kwargs)
        # Page forms send wall-clock times (datetime-local); the API sends times with offsets.
        self.wall_clock_times = wall_clock_times
        self.fields["topics"].choices = Event.Topic.choices
        self.fields["eligible_scales"].choices = Scale.choices
        self.fields["province"].queryset = Province.objects.order_by("code")
        self.fields["eligible_provinces"].queryset = Province.objects.order_by("code")
        for name in ("eligible_sectors", "eligible_provinces", "partners"):
            self.fields[name].widget.attrs["size"] = 6

    def clean(self):
        import zoneinfo

        cleaned = super().clean()
        # datetime-local carries no zone: read it in the event's own zone, not the server's.
        zone = zoneinfo.ZoneInfo(cleaned.get("timezone") or "Asia/Jakarta")
        for name in ("starts_at", "ends_at", "registration_opens", "registration_closes"):
            value = cleaned.get(name)
            if value is not None and name in self.changed_data and self.wall_clock_times:
                wall_clock = timezone.localtime(value) if timezone.is_aware(value) else value
                cleaned[name] = wall_clock.replace(tzinfo=zone)
            # The programme runs from 2020; a year like 0239 is a typing slip (and has no
            # offset an ISO 8601 reader accepts: Jakarta's local mean time, +07:07:12).
            value = cleaned.get(name)
            if value is not None and not 2000 <= value.year <= 2100:
                self.add_error(name, _("Give a date between the years 2000 and 2100."))
                cleaned.pop(name, None)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("Registration must close after it opens."))
        if closes and starts and closes > starts:
            self.add_error("registration_closes", _("Registration must close before the event starts."))
        mode = cleaned.get("mode")
        if mode in ("offline", "hybrid") and not cleaned.get("venue"):
            self.add_error("venue", _("Give the venue of an in-person or hybrid event."))
        if mode in ("offline", "hybrid") and not cleaned.get("province"):
            self.add_error("province", _("Give the province where the event takes place."))
        if mode in ("online", "hybrid") and not cleaned.get("meeting_link"):
            self.add_error("meeting_link", _("Give the meeting link of an online or hybrid event."))
        regency, province = cleaned.get("regency"), cleaned.get("province")
        if regency and province and regency.province_id != province.pk:
            self.add_error("regency", _("This regency is not in the chosen province."))
        return cleaned


class RegistrationForm(forms.Form):
    business = forms.ModelChoiceField(queryset=None, label=_("Business"), empty_label=None)

    def __init__(self, *args, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = businesses


class AccountForm(forms.Form):
    """An account's role and province (and, when changing it, whether it may sign in)."""

    role = forms.ChoiceField(label=_("Role"), choices=[(role.value, role.label) for role in (Role.OFFICER, Role.MINISTRY_STAFF, Role.MINISTRY_ADMIN)])
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=None, to_field_name="code", required=False,
        help_text=_("Only for provincial officers."),
    )

    def __init__(self, *args, **kwargs):
        from .models import Province

        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("code")


class AccountInviteForm(AccountForm):
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    field_order = ["email", "full_name", "role", "province"]


class AccountChangeForm(AccountForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("May sign in"), required=False, help_text=_("Untick to deactivate the account; nothing it recorded is lost."))
