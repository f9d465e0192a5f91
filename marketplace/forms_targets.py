from django import forms

from .models import OnboardingTarget
from .services import target_problems


class TargetForm(forms.ModelForm):
    """A year's onboarding target: national (no province, no marketplace), a province's, or a
    marketplace's (a partner's commitment)."""

    class Meta:
        model = OnboardingTarget
        fields = ["year", "province", "marketplace", "target", "note"]

    def clean(self):
        cleaned = super().clean()
        probe = OnboardingTarget(pk=self.instance.pk, year=cleaned.get("year"), province=cleaned.get("province"), marketplace=cleaned.get("marketplace"))
        for field, messages in target_problems(probe).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned
