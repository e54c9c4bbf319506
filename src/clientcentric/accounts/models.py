from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Role
from .validators import validate_inn


class Agency(models.Model):
    """An authority or an authorised organisation (орган власти / уполномоченная организация)."""

    class Level(models.TextChoices):
        FEDERAL = "federal", _("federal")
        REGIONAL = "regional", _("regional")
        MUNICIPAL = "municipal", _("municipal")

    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("executive body")
        LOCAL_GOVERNMENT = "local_government", _("local government")
        INSTITUTION = "institution", _("institution")
        ONE_STOP_CENTRE = "one_stop_centre", _("one-stop centre")
        SUPERVISORY = "supervisory", _("supervisory body")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The plain-Russian check (docs/plain-russian.md): an answer past either limit needs a stated reason.
    plain_min_reading_ease = models.FloatField(
        _("lowest Flesch reading ease of an answer"),
        default=30.0,
        validators=[MinValueValidator(-100), MaxValueValidator(121)],
        help_text=_(
            "Oborneva's scale: 100 is very easy, below 30 very hard. Real official answers score about 10."
        ),
    )
    plain_max_grade = models.FloatField(
        _("highest Flesch–Kincaid grade of an answer"),
        default=12.0,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text=_("School years needed to read the answer; 12 means a school leaver can read it."),
    )
    plain_long_sentence_words = models.PositiveSmallIntegerField(
        _("words in a long sentence"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(100)],
        help_text=_("The plain-Russian check marks sentences longer than this."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def ancestors(self) -> list["Agency"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class User(AbstractUser):
    """A person who signs in. One role; staff belong to an agency."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.CLIENT)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        related_name="staff",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="user_role_known"),
        ]

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p) or self.username


class BusinessClient(models.Model):
    """A legal entity or an individual entrepreneur (ЮЛ / ИП)."""

    class Kind(models.TextChoices):
        LEGAL_ENTITY = "legal_entity", _("legal entity")
        ENTREPRENEUR = "entrepreneur", _("individual entrepreneur")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    inn = models.CharField(_("INN"), max_length=12, unique=True, validators=[validate_inn])

    class Meta:
        verbose_name = _("business client")
        verbose_name_plural = _("business clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Power(models.TextChoices):
    """What a representative may do for the person they represent (DEL-2). Parents, guardians and the head of an
    organisation hold every power by law; a power of attorney holds the ones it lists."""

    APPEALS = "appeals", _("file and follow appeals")
    APPLY = "apply", _("apply for services and accept offers")
    CONSENTS = "consents", _("give and withdraw consents")
    DATA = "data", _("see and correct the personal scenario and data")
    APPOINTMENTS = "appointments", _("book appointments")


ALL_POWERS = tuple(Power.values)


class Representative(models.Model):
    """A person allowed to act for a client or for a business, on a stated basis, for a period, with powers."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("parent")
        GUARDIAN = "guardian", _("guardian or custodian")
        HEAD = "head", _("head of the organisation")
        ATTORNEY = "attorney", _("power of attorney")

    # The kinds that hold every power by law, whatever is listed.
    BY_LAW = frozenset({Kind.PARENT, Kind.GUARDIAN, Kind.HEAD})

    person = models.ForeignKey(
        User, verbose_name=_("representative"), related_name="represents", on_delete=models.CASCADE
    )
    client = models.ForeignKey(
        User,
        verbose_name=_("client"),
        null=True,
        blank=True,
        related_name="representatives",
        on_delete=models.CASCADE,
    )
    business = models.ForeignKey(
        BusinessClient,
        verbose_name=_("business"),
        null=True,
        blank=True,
        related_name="representatives",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(
        _("kind of representation"), max_length=20, choices=Kind.choices, default=Kind.ATTORNEY
    )
    basis = models.CharField(_("basis (power of attorney, law)"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Codes of Power: what a power of attorney lists; every power for the kinds that hold them by law.
    powers = models.JSONField(_("powers"), default=list, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(client__isnull=False, business__isnull=True)
                    | Q(client__isnull=True, business__isnull=False)
                ),
                name="representative_acts_for_exactly_one",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="representative_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.client or self.business}"

    def holds(self, power: str) -> bool:
        return self.kind in self.BY_LAW or power in (self.powers or [])

    @property
    def held_powers(self) -> list[str]:
        """The powers held, in the order of Power, as codes."""
        return [p for p in ALL_POWERS if self.holds(p)]

    @property
    def power_labels(self) -> list[str]:
        return [str(Power(p).label) for p in self.held_powers]


class ApiScope(models.TextChoices):
    """What an API token may do; every API operation that accepts a token names the one it needs (docs/api.md)."""

    APPEALS_WRITE = "appeals:write", _("file appeals")
    LIFE_EVENTS_WRITE = "life-events:write", _("report life events")
    FEEDBACK_WRITE = "feedback:write", _("send ratings and rating invitations")
    TEXT_CHECK = "text:check", _("check texts for plain Russian")
    REQUIREMENTS_READ = "requirements:read", _("read the results for the agency's mandatory requirements")
    CALLS_WRITE = "calls:write", _("attach the call centre's recorded calls to appeals")


# What an integrating system's token could do before tokens had scopes (`appeals add-client` still grants them).
INTEGRATION_SCOPES = (
    ApiScope.APPEALS_WRITE,
    ApiScope.LIFE_EVENTS_WRITE,
    ApiScope.FEEDBACK_WRITE,
    ApiScope.TEXT_CHECK,
)

# An agency-bound scope: the operation answers with the token's agency's own data, so a token without one is refused.
AGENCY_SCOPES = frozenset({ApiScope.REQUIREMENTS_READ})


class ApiToken(models.Model):
    """An integrating system (or an agency's developer of requirements) calling the API with its own token."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        related_name="api_tokens",
        on_delete=models.PROTECT,
    )
    scopes = models.JSONField(_("scopes"), default=list)
    # Only the SHA-256 of the token is kept; the plain value is shown once when it is issued.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
