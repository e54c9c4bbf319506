"""core.forms puts a service's refusal on the form; core.admin's bases keep the back office read-only or saving
through services."""

from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from clientcentric.core.admin import ReadOnlyAdmin, ServiceSavingAdmin
from clientcentric.core.forms import add_service_errors, error_messages
from clientcentric.core.models import AuditEvent


class _Form(forms.Form):
    title = forms.CharField(required=False)


def test_a_refusal_naming_a_field_of_the_form_lands_on_that_field():
    form = _Form({"title": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError({"title": ["Слишком коротко."], "elsewhere": "Не здесь."}))
    assert form.errors["title"] == ["Слишком коротко."]
    assert form.non_field_errors() == ["Не здесь."]


def test_a_refusal_naming_no_field_goes_on_top_of_the_form():
    form = _Form({"title": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError(["Первое.", "Второе."]))
    assert form.non_field_errors() == ["Первое.", "Второе."]


def test_error_messages_lists_every_message_of_a_refusal():
    assert error_messages(ValidationError({"a": ["один"], "b": ["два", "три"]})) == ["один", "два", "три"]
    assert error_messages(ValidationError("одно")) == ["одно"]


def test_the_read_only_admin_allows_neither_adding_nor_changing_nor_deleting():
    model_admin = ReadOnlyAdmin(AuditEvent, admin.site)
    request = SimpleNamespace(user=SimpleNamespace(is_superuser=True))
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request, object())


def test_the_service_saving_admin_saves_and_deletes_through_its_services():
    calls = []

    def save(instance, *, actor):
        calls.append(("save", instance, actor))

    def delete(instance, *, actor):
        calls.append(("delete", instance, actor))

    class Admin(ServiceSavingAdmin):
        save_service = save  # a plain function: called as given, not bound to the admin
        delete_service = delete

    model_admin = Admin(AuditEvent, admin.site)
    row, user = AuditEvent(action="x"), SimpleNamespace(pk=1)
    request = SimpleNamespace(user=user)
    form = SimpleNamespace(instance=row)
    model_admin.save_model(request, row, form, change=False)
    assert calls == []  # the save waits for save_related, where many-to-many values are known
    model_admin.save_related(request, form, [], change=False)
    model_admin.delete_model(request, row)
    assert calls == [("save", row, user), ("delete", row, user)]
