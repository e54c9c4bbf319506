"""Media storage from the environment: a directory by default, S3-compatible storage when a bucket is named."""

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PRINT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'storages': settings.STORAGES, 'media': str(settings.MEDIA_ROOT), "
    "'cache': settings.CACHES['default']['BACKEND']}))"
)


def _settings(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTCENTRIC_") and k != "REDIS_URL"}
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="clientcentric.config.settings",
        CLIENTCENTRIC_VAR_DIR=str(tmp_path),
        **extra,
    )
    out = subprocess.run([sys.executable, "-c", PRINT], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_media_in_a_directory_and_the_cache_in_files_by_default_and_in_s3_when_a_bucket_is_set(tmp_path):
    default = _settings(tmp_path, CLIENTCENTRIC_MEDIA_ROOT=str(tmp_path / "shared"))
    assert default["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert default["media"] == str(tmp_path / "shared")
    # Shared by the processes of one machine, unlike a per-process memory cache.
    assert default["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    s3 = _settings(
        tmp_path,
        CLIENTCENTRIC_MEDIA_S3_BUCKET="obrashcheniya",
        CLIENTCENTRIC_MEDIA_S3_ENDPOINT_URL="https://storage.yandexcloud.net",
        CLIENTCENTRIC_MEDIA_S3_REGION="ru-central1",
    )
    media = s3["storages"]["default"]
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "obrashcheniya"
    assert media["OPTIONS"]["endpoint_url"] == "https://storage.yandexcloud.net"
    assert media["OPTIONS"]["default_acl"] == "private" and media["OPTIONS"]["file_overwrite"] is False
