"""Every action code the code base writes to the audit log has a label in words (core/audit_actions.py), and
the back office shows the words, in the list, its filter and an event's page."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from clientcentric.core.audit_actions import ACTIONS, action_choices, action_label, object_type_label
from clientcentric.core.models import AuditEvent
from clientcentric.core.services import audit

SOURCE = Path(__file__).resolve().parents[2] / "src" / "clientcentric"


def _written_actions():
    """(constant codes, prefixes of codes built at run time) passed to audit.record / audit.entry, to an
    AuditEvent(action=…) or as a status change's audit_action=…, anywhere in the source."""
    constants, prefixes = {}, {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func, found = node.func, []
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            if name in ("record", "entry") and owner.endswith("audit") and len(node.args) >= 2:
                found.append(node.args[1])
            found += [kw.value for kw in node.keywords if kw.arg in ("action", "audit_action")]
            if name != "AuditEvent" and not owner.endswith("audit"):
                found = [kw.value for kw in node.keywords if kw.arg == "audit_action"]
            for value in found:
                where = f"{path.relative_to(SOURCE)}:{node.lineno}"
                options = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                for option in options:
                    if isinstance(option, ast.Constant) and isinstance(option.value, str):
                        constants[option.value] = where
                    elif isinstance(option, ast.JoinedStr) and isinstance(option.values[0], ast.Constant):
                        prefixes[option.values[0].value] = where
                    elif isinstance(option, ast.BinOp) and isinstance(option.left, ast.Constant):
                        prefixes[option.left.value] = where
    return constants, prefixes


def test_every_constant_action_code_written_has_a_label():
    constants, _prefixes = _written_actions()
    assert len(constants) > 150  # the scan finds the calls
    missing = {code: where for code, where in constants.items() if "." in code and code not in ACTIONS}
    assert not missing, missing


def test_every_action_code_built_at_run_time_has_labels():
    _constants, prefixes = _written_actions()
    missing = {p: where for p, where in prefixes.items() if not any(code.startswith(p) for code in ACTIONS)}
    assert not missing, missing
    from clientcentric.business.models import Expert
    from clientcentric.supervision.workflow import EVENT_STEPS

    built = [f"supervision.event_{step}" for step in EVENT_STEPS.values()]
    built += [f"business.expert_{status}" for status in Expert.Status.values]
    for model in ("lifesituation", "segment", "faqentry", "service", "need"):
        built += [f"registry.{model}_created", f"registry.{model}_changed"]
    for name in ("act", "requirement", "profile", "object", "draft"):
        built += [f"business.{name}_created", f"business.{name}_changed"]
    for name in ("hypothesis", "study", "journey_map"):
        built += [f"research.{name}_created", f"research.{name}_changed"]
    built += [f"conformance.{step}" for step in ("measured", "attested", "reviewed", "returned")]
    built += ["knowledge.article_created", "knowledge.article_changed", "demo.loaded"]
    built += ["appeals.social_message_sent", "appeals.social_message_failed"]
    assert [code for code in built if code not in ACTIONS] == []


def test_labels_are_russian_and_an_unknown_code_is_shown_as_it_is():
    with translation.override("ru"):
        assert action_label("delivery.profile_read") == "просмотрен профиль клиента"
        assert action_label("personal_data.read") == "personal_data.read"
        untranslated = [
            code for code, label in ACTIONS.items() if not any("а" <= ch <= "я" for ch in str(label))
        ]
    assert untranslated == []
    assert [code for code, _label in action_choices(["a.b", "delivery.profile_read", "a.b"])] == [
        "a.b",
        "delivery.profile_read",
    ]


@pytest.mark.django_db
def test_the_back_office_shows_the_actions_in_words(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.ru", "x-pass-2026")
    event = audit.record(None, "delivery.profile_read", None, summary="профиль")
    audit.record(None, "custom.unknown_code", None, summary="другое")
    client.force_login(admin)
    page = client.get("/admin/core/auditevent/").content.decode()
    assert "просмотрен профиль клиента" in page and "custom.unknown_code" in page
    assert ">delivery.profile_read<" not in page
    assert "?action=delivery.profile_read" in page  # the filter, in words, filters by the code
    filtered = client.get("/admin/core/auditevent/", {"action": "delivery.profile_read"}).content.decode()
    assert "профиль" in filtered and "другое" not in filtered
    detail = client.get(f"/admin/core/auditevent/{event.pk}/change/").content.decode()
    assert "просмотрен профиль клиента" in detail
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_back_office_names_the_kind_of_record_in_words(client, django_user_model, agency):
    admin = django_user_model.objects.create_superuser("root", "root@example.ru", "x-pass-2026")
    stored = audit.record(None, "accounts.agency_saved", agency).object_type
    assert stored == type(agency)._meta.label_lower
    client.force_login(admin)
    page = client.get("/admin/core/auditevent/").content.decode()
    assert ">Орган власти (организация)<" in page and f">{stored}<" not in page
    assert f"?object_type={stored}" in page  # the filter, by name, filters by the stored label
    filtered = client.get("/admin/core/auditevent/", {"object_type": stored}).content.decode()
    assert ">Орган власти (организация)<" in filtered
    assert object_type_label("no_such.thing") == "no_such.thing"
