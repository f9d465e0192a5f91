from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from surveys.imports import import_run
from surveys.models import SurveyImport, SurveyWave


class Command(BaseCommand):
    help = "Import survey responses from an XLSX or CSV file (the same code path as the upload page)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--wave", required=True, help="Survey wave code, e.g. 2020-04")
        parser.add_argument("--user", required=True, help="User name the rows are entered as (an officer or ministry admin)")

    def handle(self, *args, file, wave, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        survey_wave = SurveyWave.objects.filter(code=wave).first()
        if survey_wave is None:
            raise CommandError(f"No survey wave with code {wave!r}.")
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No active user {user!r}.")
        record = SurveyImport(wave=survey_wave, user=account, original_name=path.name[:255], province_id=getattr(getattr(account, "profile", None), "province_id", None))
        record.file.save(path.name, SimpleUploadedFile(path.name, path.read_bytes()), save=False)
        record.save()
        record = import_run(import_id=record.pk)
        if record.status != SurveyImport.Status.DONE:
            for error in record.errors[:50]:
                self.stderr.write(f"row {error['row']}, {error['column'] or '-'}: {error['message']}")
            if record.error_count > 50:
                self.stderr.write(f"... and {record.error_count - 50} more (report: {record.error_report.name} in the file storage; download it from the import page)")
            raise CommandError(record.message)
        self.stdout.write(record.message)
