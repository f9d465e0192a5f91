from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OnboardingTarget


class TargetForm(forms.ModelForm):
    """A year's onboarding target: national (no province, no marketplace), a province's, or a
    marketplace's (a partner's commitment)."""

    class Meta:
        model = OnboardingTarget
        fields = ["year", "province", "marketplace", "target", "note"]

    def clean(self):
        cleaned = super().clean()
        year, province, marketplace = cleaned.get("year"), cleaned.get("province"), cleaned.get("marketplace")
        if province and marketplace:
            self.add_error("marketplace", _("A target is for a province or for a marketplace, not both."))
        elif year and OnboardingTarget.objects.filter(year=year, province=province, marketplace=marketplace).exclude(pk=self.instance.pk).exists():
            self.add_error("target", _("This target is already set for %(year)s; change it instead.") % {"year": year})
        return cleaned
