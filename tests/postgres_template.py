"""PostgreSQL under pytest-xdist: one worker migrates a template database, every worker copies it.

pytest-django has each worker create its own test database and run every migration into it: the same CPU once
per worker, on cores the workers share. With this plugin (loaded by tests/conftest.py) the first worker to take a
lock migrates `test_<name>`, the database a single-process run would use, and every worker then copies it with
`CREATE DATABASE test_<name>_<worker> TEMPLATE test_<name>` (a file copy) before pytest-django, told to keep an
existing database, finds its copy there and only checks that nothing is left to migrate. Each worker drops its
copy at the end; the controller drops the template once every worker has ended.

SQLite (an in-memory database per worker) and single-process runs keep pytest-django's own way.
"""

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest

_FOLDER = "clientcentric_db_template"
_FOLDER_KEY = pytest.StashKey[str]()


def _copies_a_template(config) -> bool:
    from django.conf import settings

    worker = getattr(config, "workerinput", None)
    engine = settings.DATABASES["default"]["ENGINE"]
    return bool(worker and _FOLDER in worker) and engine.endswith("postgresql")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """The controller gives every worker one folder: the lock, and the note that names the template once made."""
    config = node.config
    if _FOLDER_KEY not in config.stash:
        config.stash[_FOLDER_KEY] = tempfile.mkdtemp(prefix="clientcentric-db-template-")
    node.workerinput[_FOLDER] = config.stash[_FOLDER_KEY]


def pytest_unconfigure(config):
    if _FOLDER_KEY not in config.stash:
        return
    folder = config.stash[_FOLDER_KEY]
    note = os.path.join(folder, "made")
    if os.path.exists(note):
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        with open(note, encoding="utf-8") as made, config.stash[blocking_manager_key].unblock():
            production_name = connection.settings_dict["NAME"]
            connection.settings_dict["NAME"] = made.read()
            connection.creation.destroy_test_db(production_name, verbosity=0)
    shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _only_this_worker(folder):
    with open(os.path.join(folder, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    """A worker's copy of the template is already migrated: pytest-django keeps it rather than rebuild it."""
    return request.config.getvalue("reuse_db") or _copies_a_template(request.config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request, django_db_blocker):
    if not _copies_a_template(request.config):
        yield
        return
    from django.conf import settings
    from django.db import connection

    worker = request.config.workerinput["workerid"]
    folder = request.config.workerinput[_FOLDER]
    verbosity = request.config.option.verbose
    production_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict["TEST"]
    copy = test_settings["NAME"]  # pytest-django's name for this worker: test_<name>_<worker>
    template = copy.removesuffix(f"_{worker}")
    note = os.path.join(folder, "made")
    with django_db_blocker.unblock(), _only_this_worker(folder):
        test_settings["NAME"] = template
        if os.path.exists(note):
            connection.settings_dict["NAME"] = template
        else:
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            with open(note, "w", encoding="utf-8") as made:
                made.write(template)
        connection.creation.clone_test_db(suffix=worker, verbosity=verbosity, autoclobber=True)
        test_settings["NAME"] = copy
        connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = production_name
        connection.close()
    yield
    # pytest-django kept the copy (django_db_keepdb): it is this worker's to drop.
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(production_name, verbosity=verbosity)
