from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLIENT = "client", _("client")
    BUSINESS_REPRESENTATIVE = "business_representative", _("business representative")
    OPERATOR = "operator", _("operator")
    ANALYST = "analyst", _("analyst")
    METHODOLOGIST = "methodologist", _("methodologist")
    INSPECTOR = "inspector", _("inspector")
    ADMIN = "admin", _("administrator")
    # The business ombudsman's office (уполномоченный по защите прав предпринимателей): not the body's staff,
    # works its own queue of businesses' requests (supervision, docs/supervision.md).
    BUSINESS_OMBUDSMAN = "business_ombudsman", _("business ombudsman's office")


STAFF_ROLES = frozenset({Role.OPERATOR, Role.ANALYST, Role.METHODOLOGIST, Role.INSPECTOR, Role.ADMIN})

# What each staff role may do in the back office, as Django model permissions: app label -> actions.
BACK_OFFICE_PERMISSIONS = {
    Role.METHODOLOGIST: {
        "registry": ("view", "add", "change", "delete"),
        "accounts": ("view",),
        "appeals": ("view", "add", "change"),
        "feedback": ("view",),
        "knowledge": ("view", "add", "change"),
        "delivery": ("view", "add", "change", "delete"),
        "research": ("view", "add", "change", "delete"),
        "design": ("view", "add", "change"),
        "business": ("view", "add", "change", "delete"),
        "supervision": ("view", "add", "change", "delete"),
    },
    Role.ANALYST: {
        "registry": ("view",),
        "appeals": ("view",),
        "feedback": ("view",),
        "knowledge": ("view",),
        "research": ("view", "add", "change", "delete"),
        "design": ("view", "add", "change"),
        "business": ("view",),
        "supervision": ("view",),
    },
    Role.OPERATOR: {
        "registry": ("view",),
        "appeals": ("view",),
        "knowledge": ("view",),
        "delivery": ("view",),
    },
    Role.INSPECTOR: {
        "registry": ("view",),
        "business": ("view",),
        "supervision": ("view", "add", "change"),
    },
}

# Staff roles that read personal data, and so sign in with a second factor (TOTP, docs/security-staff.md):
# operators read appeals with their authors' contacts and client profiles; analysts read rating answers with
# comments and their authors; methodologists read people, client profiles and requests; inspectors read control
# events of businesses and entrepreneurs (who are people); the business ombudsman's office reads the requests
# businesses send it; the admin reads everything.
SECOND_FACTOR_ROLES = frozenset(
    {Role.OPERATOR, Role.ANALYST, Role.METHODOLOGIST, Role.INSPECTOR, Role.ADMIN, Role.BUSINESS_OMBUDSMAN}
)
