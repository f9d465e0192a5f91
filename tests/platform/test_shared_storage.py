"""Web and worker on separate machines: each has a storage root of its own and they share
only an S3-compatible object store (moto's standalone server here, MinIO in a ministry
deployment). An export built by the worker is downloaded through the web side; an upload
received by the web side is read by the worker, and its error report is served back."""
import os
import socket
import subprocess
import sys
import time

import boto3
import pytest
from django.test import override_settings
from django.urls import reverse

from programs.exports import export_start
from programs.models import ExportJob
from surveys.models import SurveyImport, SurveyResponse
from tests.conftest import ROOT, subprocess_env
from tests.factories import BusinessFactory, make_wave
from tests.surveys.test_import_pipeline import answer, csv_bytes

pytestmark = pytest.mark.worker

BUCKET = "ikm-portal-test"
QUEUE = "shared-storage"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


@pytest.fixture(scope="module")
def object_store(tmp_path_factory):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("s3") / "moto.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"S3_ACCESS_KEY_ID": "portal", "S3_SECRET_ACCESS_KEY": "portal-secret", "S3_REGION": "us-east-1"}
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="portal", aws_secret_access_key="portal-secret", region_name="us-east-1")
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    yield {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, **credentials}, client
    server.terminate()
    server.wait(timeout=10)
    log.close()


def _storage_settings(env):
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env["S3_BUCKET"], "endpoint_url": env["S3_ENDPOINT_URL"], "access_key": env["S3_ACCESS_KEY_ID"],
                "secret_key": env["S3_SECRET_ACCESS_KEY"], "region_name": env["S3_REGION"], "default_acl": "private",
                "querystring_auth": True, "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def split_machines(object_store, tmp_path, transactional_db, django_db_serialized_rollback, settings):
    """A worker on the QUEUE with its own MEDIA_ROOT and the object store; the web side (this
    process) with another MEDIA_ROOT and the same object store."""
    env_s3, client = object_store
    web_root, worker_root = tmp_path / "web-media", tmp_path / "worker-media"
    web_root.mkdir()
    worker_root.mkdir()
    env = subprocess_env()
    env.update(env_s3, MEDIA_ROOT=str(worker_root))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikm_portal", "worker", "--pool=solo", "-Q", QUEUE, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "-n", f"storage-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    from ikm_portal.celery import app

    _wait(lambda: any(f"storage-{os.getpid()}@" in name for reply in (app.control.ping(timeout=0.5) or []) for name in reply), 60, "the storage worker did not start")
    with override_settings(STORAGES=_storage_settings(env_s3), MEDIA_ROOT=str(web_root), JOB_QUEUE=QUEUE):
        yield client, web_root, worker_root
    worker.terminate()
    worker.wait(timeout=20)
    log.close()


def _objects(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _files_under(root):
    return [path for path in root.rglob("*") if path.is_file()]


def test_an_export_built_by_the_worker_is_downloaded_from_the_web_side(split_machines, client, officer, jabar):
    s3, web_root, worker_root = split_machines
    BusinessFactory.create_batch(4, province=jabar)
    job = export_start(user=officer, kind="businesses", params={})
    _wait(lambda: ExportJob.objects.get(pk=job.pk).status in ("done", "failed"), 60, "the export did not finish")
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.file.name in _objects(s3)

    client.force_login(officer)
    download = client.get(reverse("export-download", args=[job.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body[:2] == b"PK" and len(body) > 1000
    assert _files_under(web_root) == [] and _files_under(worker_root) == []  # no local disk involved


def test_an_upload_received_by_the_web_side_is_read_by_the_worker(split_machines, client, officer, jabar):
    s3, web_root, worker_root = split_machines
    wave = make_wave()
    businesses = [BusinessFactory(province=jabar) for _ in range(3)]
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("survei.csv", csv_bytes([answer(b.nib) for b in businesses]), content_type="text/csv")
    response = client.post(reverse("survey-upload", args=[wave.code]), {"file": good})
    assert response.status_code == 302
    record = SurveyImport.objects.get()
    _wait(lambda: SurveyImport.objects.get(pk=record.pk).status not in ("queued", "running"), 60, "the import did not finish")
    record.refresh_from_db()
    assert record.status == "done", record.message
    assert SurveyResponse.objects.filter(wave=wave).count() == 3
    assert record.file.name in _objects(s3)

    # A rejected upload: the worker writes the report to the store, the web side serves it.
    bad = SimpleUploadedFile("salah.csv", csv_bytes([answer(businesses[0].nib, **{"Tenaga kerja sebelum": "banyak"})]), content_type="text/csv")
    client.post(reverse("survey-upload", args=[wave.code]), {"file": bad})
    rejected = SurveyImport.objects.exclude(pk=record.pk).get()
    _wait(lambda: SurveyImport.objects.get(pk=rejected.pk).status not in ("queued", "running"), 60, "the second import did not finish")
    rejected.refresh_from_db()
    assert rejected.status == "rejected" and rejected.error_report.name in _objects(s3)
    report = client.get(reverse("survey-import-report", args=[rejected.pk]))
    assert report.status_code == 200 and b"".join(report.streaming_content)[:2] == b"PK"
    assert _files_under(web_root) == [] and _files_under(worker_root) == []
