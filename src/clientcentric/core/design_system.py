"""What the design-system page (/design-system/) shows: each pattern of docs/design-system.md live, with data
made up for the purpose. The example form is validated for real, so the error summary shows Django's own errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

CONTACT_CHOICES = [("email", _("E-mail")), ("sms", _("SMS"))]


class ExampleContactForm(forms.Form):
    """One question per page, two fields at most: the shape a long form takes when split."""

    contact = forms.ChoiceField(
        label=_("How should we tell you the answer?"), choices=CONTACT_CHOICES, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("For example, name@example.ru"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact") == "email" and not cleaned.get("email"):
            self.add_error("email", _("Enter the e-mail address the answer should go to"))
        return cleaned


def example_form() -> ExampleContactForm:
    """A form as it comes back after a submission with two mistakes: no choice made, a malformed address."""
    form = ExampleContactForm(data={"email": "ivanova@"})
    form.is_valid()
    return form


def example_summary_rows() -> list[dict]:
    return [
        {"key": _("Life situation"), "value": "Рождение ребёнка", "change_url": "#summary-list"},
        {"key": _("Applicant"), "value": "Иванова Мария Сергеевна", "change_url": "#summary-list"},
        {"key": _("Where to answer"), "value": "ivanova@example.ru", "change_url": "#summary-list"},
        {"key": _("Attached files"), "value": ""},
    ]


def example_table_rows() -> list[dict]:
    return [
        {
            "number": "2026-000123",
            "topic": "Уборка двора",
            "agency": "ЖА Невского района",
            "due": "15 декабря",
        },
        {
            "number": "2026-000124",
            "topic": "Досрочная пенсия",
            "agency": "Социальный фонд России",
            "due": "18 декабря",
        },
        {
            "number": "2026-000125",
            "topic": "Пособие на ребёнка",
            "agency": "Комитет по социальной политике",
            "due": "21 декабря",
        },
    ]
