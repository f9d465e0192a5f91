"""Form fields for how officers type figures: ``25000000``, ``25.000.000`` or ``Rp 25.000.000``."""
import re

from django import forms
from django.utils.translation import gettext_lazy as _


RUPIAH_PREFIX = re.compile(r"^(?i:rp\.?)\s*")
RUPIAH_NUMBER = re.compile(r"-?(\d+|\d{1,3}([. ]\d{3})+)")


def parse_rupiah(raw):
    """Parse a whole-rupiah amount written the Indonesian way; return int or raise ValueError.

    Dots (and spaces) group thousands; a trailing ``,00`` is accepted and dropped. A comma with
    other decimals is refused: rupiah amounts are whole numbers.
    """
    text = str(raw).strip().replace("\u00a0", " ")
    text = RUPIAH_PREFIX.sub("", text)
    text = re.sub(r",0{1,2}$", "", text)
    # Dots group thousands (1.234.567); "1.5" is refused rather than read as 15.
    if not RUPIAH_NUMBER.fullmatch(text):
        raise ValueError(raw)
    return int(text.replace(".", "").replace(" ", ""))


class RupiahField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Write a whole rupiah amount, e.g. 25000000, 25.000.000 or Rp 25.000.000."),
    }

    #: No amount an IKM reports comes near Rp 1,000 trillion; the column's own limit (a 19-digit
    #: number) is no message for an officer.
    DEFAULT_MAX = 10**15

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        kwargs.setdefault("max_value", self.DEFAULT_MAX)
        super().__init__(**kwargs)
        # Said in rupiah as officers write it ("Rp 1.000.000.000.000.000"), not as a bare number.
        self.error_messages["max_value"] = _("At most Rp %(amount)s.") % {"amount": f"{self.max_value:,}".replace(",", ".")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value


class CountryCodesField(forms.CharField):
    """Comma- or space-separated ISO country codes (``MY, SG``) → a list."""

    def to_python(self, value):
        value = super().to_python(value)
        return [code.upper() for code in re.split(r"[\s,;]+", value or "") if code]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value


class MonthInput(forms.DateInput):
    """A month picker (``<input type="month">``, YYYY-MM); phones show their own."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month, stored as its first day; accepts 2020-06 (the picker), 06-2020 and 06/2020."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%m-%Y", "%m/%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Give a month, e.g. 2020-06.")}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value
