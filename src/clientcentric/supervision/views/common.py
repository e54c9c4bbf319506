"""What the supervision pages share: form errors from a service's ValidationError, who of the staff sees what."""

from django.core.exceptions import ValidationError

from clientcentric.accounts.roles import Role

BUSINESS = Role.BUSINESS_REPRESENTATIVE
STAFF = (Role.INSPECTOR, Role.METHODOLOGIST, Role.ANALYST, Role.ADMIN)


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


def staff_sees(user, control_type) -> bool:
    return user.role != Role.INSPECTOR or user.agency_id is None or control_type.agency_id == user.agency_id
