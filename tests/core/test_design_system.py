"""The design-system page and the components other pages include (docs/design-system.md)."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation


@pytest.fixture
def russian():
    with translation.override("ru"):
        yield


def test_design_system_page_shows_every_pattern_in_russian(client, db):
    page = client.get("/design-system/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for marker in (
        'class="error-summary"',
        'class="confirmation-panel"',
        'class="summary-list"',
        'class="notification-banner"',
        'class="notification-banner notification-banner-success"',
        'class="responsive-table"',
    ):
        assert marker in page
    assert "Есть ошибки" in page
    assert "Обязательное поле." in page  # Django's own error for the unanswered question, in Russian
    assert "Дизайн-система" in page


def test_every_error_in_the_summary_links_to_an_element_on_the_page(client, db):
    page = client.get("/design-system/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["id_contact_0", "id_email"]
    for target in targets:
        assert f'id="{target}"' in page


class _Appointment(forms.Form):
    office = forms.CharField(label="Офис")
    day = forms.ChoiceField(label="День", choices=[("mon", "Пн"), ("tue", "Вт")], widget=forms.RadioSelect)
    agree = forms.BooleanField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Нет свободного времени")


def test_error_summary_lists_form_wide_hidden_and_field_errors(russian):
    form = _Appointment(data={})
    form.is_valid()
    html = render_to_string("core/components/error_summary.html", {"form": form})
    assert "Есть ошибки" in html
    assert "<li>Нет свободного времени</li>" in html
    assert '<a href="#id_office">Офис: Обязательное поле.</a>' in html  # the summary names the field
    assert '<a href="#id_day_0">' in html  # a radio group links to its first option
    assert html.count("<li>") == 4  # the hidden field's error is listed without a link


def test_error_summary_is_absent_when_nothing_is_wrong(russian):
    form = forms.Form(data={})
    assert form.is_valid()
    assert render_to_string("core/components/error_summary.html", {"form": form}).strip() == ""


def test_error_summary_takes_problems_that_are_not_a_form(russian):
    html = render_to_string(
        "core/components/error_summary.html",
        {"errors": ["Файл пуст", {"text": "Строка 3: нет ИНН", "href": "#row-3"}]},
    )
    assert "<li>Файл пуст</li>" in html
    assert '<a href="#row-3">Строка 3: нет ИНН</a>' in html


def test_summary_list_marks_an_empty_value_and_names_what_the_change_link_changes(russian):
    html = render_to_string(
        "core/components/summary_list.html",
        {
            "rows": [
                {"key": "Телефон", "value": "", "change_url": "/me/profile/"},
                {"key": "Детей", "value": 0},
            ]
        },
    )
    assert "<dd>—</dd>" in html
    assert "<dd>0</dd>" in html
    assert 'Изменить<span class="visually-hidden"> телефон</span>' in html


def test_notification_banner_announces_a_success_and_labels_news_as_important(russian):
    success = render_to_string(
        "core/components/notification_banner.html", {"success": True, "heading": "Готово"}
    )
    news = render_to_string("core/components/notification_banner.html", {"heading": "Офис закрыт"})
    assert 'role="alert"' in success and "notification-banner-success" in success
    assert 'role="region"' in news and "Важно" in news


def test_confirmation_panel_shows_the_number(russian):
    html = render_to_string(
        "core/components/confirmation_panel.html",
        {"title": "Обращение отправлено", "number": "2026-000123", "number_label": "Номер обращения"},
    )
    assert "<h1>Обращение отправлено</h1>" in html
    assert '<strong class="confirmation-number">2026-000123</strong>' in html
