"""Safe to deploy: the production configuration passes `check --deploy`, pages run no inline script, and the
metrics are not for everyone."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import clientcentric

PACKAGE = Path(clientcentric.__file__).resolve().parent
SOURCE = str(PACKAGE.parent)


def _production_environment(tmp_path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' conftest for this pytest process, never in production.
        if not key.startswith("CLIENTCENTRIC_")
        and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        PYTHONPATH=SOURCE,
        CLIENTCENTRIC_VAR_DIR=str(tmp_path / "var"),
        CLIENTCENTRIC_LOG_LEVEL="WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        CLIENTCENTRIC_HTTPS="true",
        CLIENTCENTRIC_ALLOWED_HOSTS="cx.example.gov.ru",
        CLIENTCENTRIC_CSRF_TRUSTED_ORIGINS="https://cx.example.gov.ru",
    )
    return env


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "clientcentric.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_come_from_the_environment(tmp_path):
    env = _production_environment(tmp_path)
    env["CLIENTCENTRIC_HSTS_SECONDS"] = "600"
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    env["DJANGO_SETTINGS_MODULE"] = "clientcentric.config.settings"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.stdout.split("\n")[0] == "True True True 600 ('HTTP_X_FORWARDED_PROTO', 'https')", (
        result.stderr
    )


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "tile.openstreetmap.org" in directives["img-src"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(PACKAGE.rglob("templates/**/*.html")), ids=lambda p: p.name)
def test_no_template_has_an_inline_script_or_event_handler(template):
    # The policy would block them: the script must live in a static file.
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not EVENT_HANDLER.search(text), "on…= handler: attach it from a static script"


def test_metrics_need_the_token_when_one_is_set(client, db, settings):
    settings.CLIENTCENTRIC_METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


def test_metrics_without_a_token_answer_only_this_host_directly(client, db, settings):
    settings.CLIENTCENTRIC_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
