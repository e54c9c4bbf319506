"""The `clientcentric` command: the platform's own verbs, and every manage.py command besides.

clientcentric demo [--host H] [--port P] [--no-serve] [--force]  migrate, load the demo region, serve
clientcentric serve [--host H] [--port P] [--workers N]  serve with gunicorn
clientcentric registry import FILE [--dry-run]           import the registry (CSV/ZIP/XLSX/JSON)
clientcentric registry export --format csv|xlsx|json     export the registry
clientcentric kb import FILE [--question-column Q] …     import knowledge-base articles (CSV/XLSX)
clientcentric kb export [--format csv|xlsx]               export the knowledge base
clientcentric kb search "…" [--top 3] [--json]           search it (or --input Q.csv --column C --output OUT.csv)
clientcentric text readability FILE [--json]             plain-Russian check of a text file (- for stdin)
clientcentric notifications send-due                      send due notifications (retries, kept mail)
clientcentric notifications digest --frequency daily|weekly  send digests of held notifications
clientcentric notifications publish EVENT --topic T [--var NAME=VALUE …]  tell a topic's followers
clientcentric feedback aggregate [--full]                 refresh the satisfaction counts (beat does it every 10 min)
clientcentric feedback publish|verify QUARTER             freeze a quarter with its SHA-256 / check it
clientcentric feedback qr AGENCY [--service S] [--out F]  QR code for an office window
clientcentric business import-requirements FILE…         import acts and items of mandatory requirements
clientcentric business find-candidates                   recompute duplicate/contradiction candidates
clientcentric business issue-token AGENCY                (deprecated: tokens issue … --scope requirements:read)
clientcentric tokens issue NAME [--agency CODE] --scope S [--scope …]  API token of an integrating system, shown once
clientcentric tokens list                                 every API token: agency, scopes, created, last used, revoked
clientcentric tokens revoke NAME                          stop a token working
clientcentric supervision assess [--control-type X]      recompute risk categories (population path)
clientcentric supervision plan --year Y                  plan the year's control events and preventive visits
clientcentric supervision programme --year Y             draft the year's prevention programme (KND-3)
clientcentric supervision practice --year Y              compute the year's law-enforcement practice summary
clientcentric backup PATH                                database, media files and a manifest in one archive
clientcentric restore PATH [--force]                     restore an archive and check it against its manifest
clientcentric <any manage.py command>                    e.g. migrate, createsuperuser, shell
clientcentric help                                        every manage.py command
"""

import argparse
import errno
import logging
import os
import secrets
import socket
import sys
import time
from pathlib import Path


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
    import django

    django.setup()


def _serve(host: str, port: int, workers: int) -> None:
    from django.conf import settings

    from clientcentric.core.deploy_safety import unsafe_to_serve

    refusal = unsafe_to_serve() or _cannot_listen(host, port)
    if refusal:
        sys.exit(f"clientcentric serve: {refusal}")
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "clientcentric.config.wsgi:application",
            "--config",
            "python:clientcentric.config.gunicorn",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--log-level",
            settings.LOG_LEVEL.lower(),
        ],
    )


def _cannot_listen(host: str, port: int) -> str:
    """Why gunicorn could not listen on host:port, or "" when it can.

    gunicorn itself would retry for five seconds and then exit with a log line among others; a supervisor restarting
    it deserves one plain sentence at once.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            # As gunicorn binds: connections of a previous server in TIME_WAIT are no obstacle, a listener is.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        reason = f"cannot listen on {host}:{port}: {exc.strerror or exc}."
        if exc.errno == errno.EADDRINUSE:
            reason += " Another server (or a worker of one that was killed) holds the port; stop it or pick another --port."
        return reason
    return ""


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)


def _use_demo_secret_key() -> None:
    """The demo serves without DEBUG, so it needs a secret key that is not public: made once, kept under var/."""
    if os.environ.get("SECRET_KEY"):
        return
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "demo-secret-key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    os.environ["SECRET_KEY"] = key  # for the server started below
    settings.SECRET_KEY = key  # for the links the demo data signs now


def _train_the_search() -> None:
    """The search's learned re-ranker, from the real questions about the real knowledge base the demo imported.
    Without it the search ranks by BM25F alone, so a failure is said and the demo goes on."""
    from django.conf import settings
    from django.core.management import CommandError, call_command

    questions = settings.DATA_DIR / "faq" / "real_questions_dev.csv"
    if settings.CLIENTCENTRIC_DEMO_KNOWLEDGE_BASE or not questions.is_file():
        return
    try:
        call_command("kb", "train", str(questions))
    except CommandError as error:
        print(f"clientcentric demo: the search ranks without its learned model ({error})")


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="clientcentric demo", description="Set up the demo region and serve it."
    )
    _server_arguments(parser)
    parser.add_argument("--no-serve", action="store_true", help="Only migrate and load the demo data.")
    parser.add_argument(
        "--force", action="store_true", help="Load into a database that holds accounts of its own."
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    _setup_django()
    _use_demo_secret_key()
    from django.conf import settings
    from django.core.management import CommandError, call_command

    # Loading logs every task and notification it runs: whoever starts the demo needs the summary instead.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        call_command("migrate", verbosity=0)
        call_command("load_demo", appeals=60, train=True, business=True, force=args.force)
        call_command("feedback", "demo")
        call_command("load_research_demo")
        call_command("load_conformance_demo")
    except CommandError as error:
        sys.exit(f"clientcentric demo: {error}")
    finally:
        root.setLevel(level)
    _train_the_search()
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    site = f"http://{args.host}:{args.port}"
    print(
        f"\nThe demo region is ready ({minutes} min {seconds} s; data under {settings.VAR_DIR}).\n"
        f"  site           {site}/\n"
        f"  back office    {site}/admin/\n"
        f"  API            {site}/api/v1/docs\n"
        f"  outgoing mail  {site}/staff/mailbox/ (operator or admin; files in {settings.CLIENTCENTRIC_MAILBOX_DIR})"
    )
    if not args.no_serve:
        print(f"\nServing at {site}/ — Ctrl+C stops it; `make demo` again restarts with the same data.")
        sys.stdout.flush()
        _serve(args.host, args.port, args.workers)


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="clientcentric serve", description="Serve the platform with gunicorn."
    )
    _server_arguments(parser)
    args = parser.parse_args(argv)
    _setup_django()
    _serve(args.host, args.port, args.workers)


# Commands that read files and touch neither the database nor any app: they start without loading the apps.
_WITHOUT_APPS = {("eligibility", "check"), ("eligibility", "evaluate")}
DEFAULT_SETTINGS = "clientcentric.config.settings"


def _run_without_apps(argv: list[str]) -> None:
    """`eligibility check|evaluate` with Django configured for translation only (the site's language and
    the project's .po file): loading the settings module and every app's models, signals and services takes
    seconds — most of the user's wait on a quick check (issue 22) — for commands that use none of it."""
    from django.conf import settings

    settings.configure(
        LANGUAGE_CODE="ru",
        LANGUAGES=[("ru", "Русский"), ("en", "English")],
        LOCALE_PATHS=[Path(__file__).resolve().parent / "locale"],
        USE_I18N=True,
        USE_TZ=True,
        TIME_ZONE=os.environ.get("CLIENTCENTRIC_TIME_ZONE", "Europe/Moscow"),
        INSTALLED_APPS=[],
        LOGGING_CONFIG=None,
    )
    from django.apps import apps

    # No django.setup(): it imports django.urls (for the URL prefix), and with it the ORM and the forms.
    apps.populate([])
    from clientcentric.delivery.management.commands.eligibility import Command

    Command().run_from_argv(["clientcentric", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if tuple(argv[:2]) in _WITHOUT_APPS and os.environ.get("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS) == (
        DEFAULT_SETTINGS
    ):
        return _run_without_apps(argv)
    if argv and argv[0] == "demo":
        return demo(argv[1:])
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    if not argv or argv[0] in ("-h", "--help"):
        # The platform's verbs, without starting Django: `clientcentric help` lists every manage.py command.
        print(__doc__)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clientcentric", *argv])


if __name__ == "__main__":
    main()
