"""The demo publishes its password: it is never loaded over a database that holds people of its own."""

import pytest
from django.core.management import CommandError, call_command

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import User
from clientcentric.accounts.roles import Role
from clientcentric.core.services import audit
from clientcentric.demo.management.commands.load_demo import LOADED, refuse_foreign_database


def test_loading_the_demo_over_real_accounts_is_refused_and_changes_nothing(db):
    person = accounts_services.create_person(
        username="ivanova", password="s3cret-Passw0rd!", role=Role.CLIENT
    )

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", verbosity=0)

    person.refresh_from_db()
    assert person.check_password("s3cret-Passw0rd!")
    assert list(User.objects.values_list("username", flat=True)) == ["ivanova"]


def test_an_empty_database_and_a_demo_database_take_the_demo(db):
    refuse_foreign_database()  # empty: nothing to protect

    accounts_services.create_person(username="visitor", password="x" * 12, role=Role.CLIENT)
    audit.record(None, LOADED)
    refuse_foreign_database()  # a person who signed up on the demo site does not block a restart


def test_a_demo_loaded_by_an_earlier_version_is_recognised_by_its_published_password(db):
    from clientcentric.registry.demo import DEMO_PASSWORD

    accounts_services.create_person(username="pensioner", password="x" * 12, role=Role.CLIENT)
    accounts_services.create_person(username="admin", password=DEMO_PASSWORD, role=Role.CLIENT)
    refuse_foreign_database()
