"""Shared form helpers: a service's ValidationError shown on the page that called the service."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the fields it names; what names no field of the form goes on top of it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def error_messages(error: ValidationError) -> list[str]:
    """Every message of a service's refusal, for pages that list problems instead of marking fields."""
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)
