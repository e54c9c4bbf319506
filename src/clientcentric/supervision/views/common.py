"""What the supervision pages share: who of the staff sees what; form errors through the one core helper."""

from clientcentric.accounts.roles import Role
from clientcentric.core.forms import add_service_errors as add_errors  # noqa: F401 - the views import it here

BUSINESS = Role.BUSINESS_REPRESENTATIVE
STAFF = (Role.INSPECTOR, Role.METHODOLOGIST, Role.ANALYST, Role.ADMIN)


def staff_sees(user, control_type) -> bool:
    """Staff open only their own agency's events and requests; the admin opens every agency's."""
    return user.is_superuser or (user.agency_id is not None and control_type.agency_id == user.agency_id)
