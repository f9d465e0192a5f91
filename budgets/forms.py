from django import forms
from django.utils.translation import gettext_lazy as _

from programs.fields import RupiahField

from .models import MONEY_LIMIT, Activity


class RealisationForm(forms.Form):
    """One payment order, as the satker's officer types it from the SP2D."""

    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=_("Activity"))
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
