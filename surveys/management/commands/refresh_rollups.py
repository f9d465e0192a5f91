from django.core.management.base import BaseCommand, CommandError

from programs.models import Province
from surveys.models import SurveyWave
from surveys.rollups import refresh, waves_to_refresh


class Command(BaseCommand):
    help = (
        "Recompute the impact rollups (the same code path as the Celery task): every wave with "
        "responses, or one wave; with --province only that province's figures (the national "
        "totals are left as they are)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--wave", help="Survey wave code, e.g. 2020-04")
        parser.add_argument("--province", help="Province code, e.g. 32 (needs --wave)")

    def handle(self, *args, wave=None, province=None, **options):
        if province and not wave:
            raise CommandError("--province needs --wave.")
        if wave:
            waves = list(SurveyWave.objects.filter(code=wave))
            if not waves:
                raise CommandError(f"No survey wave with code {wave!r}.")
        else:
            waves = list(waves_to_refresh())
        provinces = None
        if province:
            found = Province.objects.filter(code=province).first()
            if found is None:
                raise CommandError(f"No province with code {province!r}.")
            provinces = [found.pk]
        for survey_wave in waves:
            result = refresh(wave=survey_wave, provinces=provinces, national=provinces is None)
            self.stdout.write(f"{survey_wave.code}: {result.rows} rollup rows in {result.seconds:.2f} s")
        if not waves:
            self.stdout.write("No wave has responses yet; nothing to refresh.")
