"""The demo region: its registry (a committed JSON file in the import format) and one account per role."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, BusinessClient, User
from clientcentric.accounts.roles import Role

from .importer import ImportReport, import_registry

REGISTRY_FILE = Path(__file__).with_name("demo") / "registry.json"
DEMO_PASSWORD = "demo-2026"
# Staff of the demo sign in with a second factor like real staff; this published key (base32, as authenticator
# apps take it) is enrolled for every demo staff account, so anyone trying the demo can make the codes.
DEMO_TOTP_KEY = "CLIENTCENTRICDEMOTOTPKEY2267ABCD"
DEMO_TOTP_HOWTO = (
    "Staff accounts confirm the sign-in with a one-time code: add the key {key} to any TOTP app "
    "(Yandex Key, Google Authenticator, FreeOTP), or run "
    "`oathtool --totp -b {key}`, or "
    '`python -c "import base64; from django_otp.oath import totp; '
    "print('%06d' % totp(base64.b32decode('{key}')))\"`"
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    last_name: str
    first_name: str
    agency_code: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("client", Role.CLIENT, "Иванова", "Мария"),
    DemoAccount("business", Role.BUSINESS_REPRESENTATIVE, "Петров", "Алексей"),
    DemoAccount("operator", Role.OPERATOR, "Смирнова", "Ольга", "ja-nevsky"),
    DemoAccount("analyst", Role.ANALYST, "Кузнецов", "Дмитрий", "mineco"),
    DemoAccount("methodologist", Role.METHODOLOGIST, "Соколова", "Анна", "mineco"),
    DemoAccount("inspector", Role.INSPECTOR, "Попов", "Сергей", "gzhi"),
    DemoAccount("admin", Role.ADMIN, "Васильев", "Игорь", "gov"),
)
DEMO_BUSINESS = {
    "name": "ООО «Северный пекарь»",
    "kind": BusinessClient.Kind.LEGAL_ENTITY,
    "inn": "7707083893",
}


def load_registry() -> ImportReport:
    return import_registry(REGISTRY_FILE.read_bytes(), REGISTRY_FILE.name)


@transaction.atomic
def ensure_accounts() -> list[DemoAccount]:
    """Create the demo people once; later runs only reset their passwords to the published one."""
    agencies = {a.code: a for a in Agency.objects.all()}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            accounts_services.create_person(
                username=account.username,
                password=DEMO_PASSWORD,
                role=account.role,
                agency=agencies.get(account.agency_code),
                last_name=account.last_name,
                first_name=account.first_name,
            )
        else:
            user.set_password(DEMO_PASSWORD)
            user.role, user.agency = account.role, agencies.get(account.agency_code)
            accounts_services.save_person(user)
    # The demo operator also runs the routing desk for appeals the classifier is unsure of.
    from django.contrib.auth.models import Permission

    User.objects.get(username="operator").user_permissions.add(
        Permission.objects.get(codename="route_appeal", content_type__app_label="appeals")
    )
    business = BusinessClient.objects.filter(inn=DEMO_BUSINESS["inn"]).first()
    if business is None:
        business = accounts_services.save_business(BusinessClient(**DEMO_BUSINESS))
    representative = User.objects.get(username="business")
    if not business.representatives.filter(person=representative).exists():
        from django.utils import timezone

        accounts_services.appoint_representative(
            person=representative,
            business=business,
            basis="Генеральный директор (устав)",
            valid_from=timezone.localdate(),
        )
    return list(DEMO_ACCOUNTS)
