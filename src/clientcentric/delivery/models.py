"""Proactive delivery (DEL-1…DEL-6): client profiles, consents, rules, life events, offers, requests, appointments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import ApiToken
from clientcentric.core import formats
from clientcentric.core.references import Referenced
from clientcentric.registry.models import LifeSituation, Need, Service, Touchpoint

from .validators import format_snils, validate_snils

USER = settings.AUTH_USER_MODEL


class Citizenship(models.TextChoices):
    RF = "rf", _("citizen of the Russian Federation")
    FOREIGN = "foreign", _("foreign citizen")
    DUAL = "dual", _("dual citizen")
    STATELESS = "stateless", _("stateless person")


class Accessibility(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("moves in a wheelchair")
    VISION = "vision", _("low vision or blind")
    HEARING = "hearing", _("hard of hearing or deaf")
    COGNITIVE = "cognitive", _("needs plain language and extra time")


class Occupancy(models.TextChoices):
    TENANT = "tenant", _("tenant")
    OWNER = "owner", _("owner")
    FREE_LODGER = "free_lodger", _("lives free of charge")
    HOMELESS = "homeless", _("no home")


class ClientProfile(models.Model):
    """What the platform knows of a person as a client; kept apart from the sign-in account."""

    user = models.OneToOneField(USER, related_name="client_profile", on_delete=models.CASCADE)
    citizenship = models.CharField(
        _("citizenship"), max_length=12, choices=Citizenship.choices, default=Citizenship.RF
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    snils = models.CharField(
        _("SNILS"), max_length=11, unique=True, null=True, blank=True, validators=[validate_snils]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_language = models.CharField(_("interpreter language"), max_length=40, blank=True)
    accessibility_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    preferred_touchpoints = models.ManyToManyField(
        Touchpoint, verbose_name=_("preferred touchpoints"), blank=True, related_name="+"
    )
    income_monthly = models.DecimalField(
        _("own monthly income, roubles"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    disability = models.BooleanField(_("disability established"), null=True, blank=True)
    unemployed = models.BooleanField(_("unemployed"), null=True, blank=True)
    student = models.BooleanField(_("full-time student"), null=True, blank=True)
    occupancy = models.CharField(_("housing"), max_length=20, choices=Occupancy.choices, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    # Facts the client typed in answer to "we need … to decide"; they win over derived facts.
    stated_facts = models.JSONField(_("facts stated by the client"), default=dict, blank=True)
    personal_manager = models.ForeignKey(
        USER,
        verbose_name=_("personal manager"),
        null=True,
        blank=True,
        related_name="managed_clients",
        on_delete=models.SET_NULL,
    )
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")

    def __str__(self):
        return self.user.full_name

    @property
    def snils_display(self) -> str:
        return format_snils(self.snils or "")


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        OTHER = "other", _("other relative")

    profile = models.ForeignKey(ClientProfile, related_name="household", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    income_monthly = models.DecimalField(
        _("monthly income, roubles"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    disability = models.BooleanField(_("disability established"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["profile", "birth_date", "id"]

    def __str__(self):
        return self.name


class ConsentText(models.Model):
    """A version of the consent wording; a given consent keeps the version the client saw."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("text"))
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class Consent(models.Model):
    client = models.ForeignKey(USER, related_name="consents", on_delete=models.CASCADE)
    life_situation = models.ForeignKey(
        LifeSituation, verbose_name=_("life situation"), null=True, blank=True, on_delete=models.PROTECT
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT
    )
    text = models.ForeignKey(ConsentText, verbose_name=_("consent text"), on_delete=models.PROTECT)
    receipt_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_at = models.DateTimeField(_("given at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(life_situation__isnull=False, service__isnull=True)
                | Q(life_situation__isnull=True, service__isnull=False),
                name="consent_scope_exactly_one",
            )
        ]

    def __str__(self):
        return f"{self.client} → {self.life_situation or self.service}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scope(self):
        return self.life_situation or self.service


class RuleParameter(models.Model):
    """A dated parameter value (`P.name` in rules): the newest value whose date has come applies."""

    name = models.SlugField(_("name"), max_length=80)
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("rule parameter")
        verbose_name_plural = _("rule parameters")
        ordering = ["name", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["name", "valid_from"], name="parameter_dated_once")]

    def __str__(self):
        return f"P.{self.name} = {self.value} ({self.valid_from})"


class EligibilityRule(models.Model):
    """One version of the eligibility rule of one service; published versions are never edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    class Subject(models.TextChoices):
        PERSON = "person", _("a person")
        BUSINESS = "business", _("a business")

    rule_id = models.SlugField(_("rule id"), max_length=80)
    # Whose facts the rule reads: a person's (rules/facts/person.py) or a business's (rules/facts/business.py).
    subject = models.CharField(
        _("about whom"), max_length=10, choices=Subject.choices, default=Subject.PERSON
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), related_name="eligibility_rules", on_delete=models.PROTECT
    )
    text = models.TextField(_("rule"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    explain_yes = models.TextField(_("explanation when eligible"), blank=True)
    explain_no = models.TextField(_("explanation when not eligible"), blank=True)
    examples = models.JSONField(_("examples"), default=list, blank=True)
    inform_without_consent = models.BooleanField(
        _("inform without consent"),
        default=False,
        help_text=_("The law allows telling a client about this service without their consent."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["rule_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "version"], name="rule_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="rule_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.rule_id} v{self.version}"


class LifeEvent(models.Model):
    class Kind(models.TextChoices):
        BIRTH_REGISTERED = "birth_registered", _("birth registered")
        CHILD_REACHED_AGE = "child_reached_age", _("child reached an age")
        PENSION_AGE_REACHED = "pension_age_reached", _("pension age reached")
        ADDRESS_CHANGED = "address_changed", _("address changed")
        JOB_LOST = "job_lost", _("job lost")
        DISABILITY_ESTABLISHED = "disability_established", _("disability established")
        BUSINESS_REGISTERED = "business_registered", _("business registered")
        DEATH_REGISTERED = "death_registered", _("death registered")

    class State(models.TextChoices):
        HELD = "held", _("held until earlier events arrive")
        APPLIED = "applied", _("applied")
        NO_CLIENT = "no_client", _("no client with this SNILS")

    event_id = models.CharField(_("event id"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    snils = models.CharField(_("SNILS"), max_length=11, db_index=True)
    sequence = models.PositiveIntegerField(_("sequence number for the person"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    payload = models.JSONField(_("data"), default=dict, blank=True)
    source = models.ForeignKey(
        ApiToken, verbose_name=_("source"), null=True, blank=True, on_delete=models.PROTECT
    )
    client = models.ForeignKey(
        USER, null=True, blank=True, related_name="life_events", on_delete=models.SET_NULL
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.HELD)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["snils", "sequence"],
                condition=Q(sequence__isnull=False),
                name="life_event_sequence_once",
            )
        ]

    def __str__(self):
        return f"{self.event_id} {self.kind}"


class ClientLifeSituation(models.Model):
    """A life situation a client is in: opened by a life event or by the client."""

    client = models.ForeignKey(USER, related_name="life_situations", on_delete=models.CASCADE)
    life_situation = models.ForeignKey(
        LifeSituation, verbose_name=_("life situation"), on_delete=models.PROTECT
    )
    opened_at = models.DateTimeField(_("opened at"))
    event = models.ForeignKey(LifeEvent, null=True, blank=True, on_delete=models.SET_NULL)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client's life situation")
        verbose_name_plural = _("clients' life situations")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "life_situation"], name="client_situation_once")
        ]

    def __str__(self):
        return f"{self.client} — {self.life_situation}"


class LifeEventSituation(models.Model):
    """Which life situations a kind of life event opens, for whom: back-office data a methodologist edits.

    A row applies to a person the event concerns when their age on the event date is within the bounds (when
    set) and the condition (rule language over the client's facts, when set) is eligible; unknown never opens.
    """

    event_kind = models.CharField(_("kind of life event"), max_length=30, choices=LifeEvent.Kind.choices)
    life_situation = models.ForeignKey(
        LifeSituation, verbose_name=_("life situation"), related_name="+", on_delete=models.CASCADE
    )
    min_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, help_text=_("Whole years on the event date, inclusive.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("below age"), null=True, blank=True, help_text=_("Whole years on the event date, exclusive.")
    )
    condition = models.TextField(
        _("condition"),
        blank=True,
        help_text=_("Optional, in the rule language over the client's facts, e.g. n_under_18 >= 3."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("life event → life situation")
        verbose_name_plural = _("life events → life situations")
        ordering = ["event_kind", "life_situation__sort_order", "life_situation__name"]
        constraints = [
            models.UniqueConstraint(fields=["event_kind", "life_situation"], name="event_situation_once"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lt=models.F("max_age")),
                name="event_situation_age_bounds",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_kind_display()} → {self.life_situation}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from clientcentric.rules import eligibility

        from .selectors.rules import parameter_names

        self.condition = (self.condition or "").strip()
        if self.condition:
            try:
                eligibility.check_text(self.condition, parameter_names())
            except ValidationError as error:
                raise ValidationError({"condition": error.message_dict["text"]}) from error
        if self.min_age is not None and self.max_age is not None and self.min_age >= self.max_age:
            raise ValidationError({"max_age": _("Must be greater than «from age».")})


class Offer(models.Model):
    class Kind(models.TextChoices):
        OFFER = "offer", _("proactive offer")
        INFORMATION = "information", _("information only")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the client")
        ACCEPTED = "accepted", _("accepted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    client = models.ForeignKey(USER, related_name="offers", on_delete=models.CASCADE)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OFFER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("eligibility"), max_length=12, blank=True)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    rule = models.ForeignKey(EligibilityRule, null=True, blank=True, on_delete=models.PROTECT)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, related_name="offers", on_delete=models.PROTECT
    )
    life_event = models.ForeignKey(
        LifeEvent, null=True, blank=True, related_name="offers", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "service"], condition=Q(status="open"), name="offer_open_once_per_service"
            ),
            models.CheckConstraint(
                condition=~Q(kind="offer") | Q(consent__isnull=False), name="offer_needs_consent"
            ),
        ]

    def __str__(self):
        return f"{self.service} → {self.client}"


class RefusalReason(models.Model):
    """The catalogue of refusal reasons: every refusal names one and says what the client can do next."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    explanation = models.TextField(_("plain explanation"))
    next_steps = models.TextField(_("what the client can do next"))
    need_cannot_be_met = models.BooleanField(
        _("the need cannot be met"),
        default=False,
        help_text=_("A refusal for this reason is counted as evidence on the service's needs."),
    )

    class Meta:
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")
        ordering = ["code"]

    def __str__(self):
        return self.title


class ServiceRequest(Referenced):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    client = models.ForeignKey(USER, related_name="service_requests", on_delete=models.CASCADE)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT)
    offer = models.OneToOneField(
        Offer, null=True, blank=True, related_name="request", on_delete=models.PROTECT
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    data = models.JSONField(_("request data"), default=dict)
    prefilled = models.JSONField(_("prefilled fields"), default=list)
    fields_typed = models.PositiveSmallIntegerField(_("fields typed"), default=0)
    steps = models.PositiveSmallIntegerField(_("steps"), default=1)
    seconds = models.FloatField(_("time spent, seconds"), default=0)
    # When the client will hear the decision (an application the rules cannot decide waits for an official).
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, related_name="+", on_delete=models.PROTECT)
    refusal_reason = models.ForeignKey(
        RefusalReason, verbose_name=_("refusal reason"), null=True, blank=True, on_delete=models.PROTECT
    )
    explanation = models.TextField(_("explanation"), blank=True)
    next_steps = models.TextField(_("what the client can do next"), blank=True)
    # The plain-Russian check of what the client is sent, at send time, under the agency's limits.
    reading_ease = models.FloatField(_("reading ease"), null=True, blank=True)
    reading_grade = models.FloatField(_("reading grade"), null=True, blank=True)
    plain_override_reason = models.TextField(_("why the text stays harder than the limit"), blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | (Q(refusal_reason__isnull=False) & ~Q(explanation="")),
                name="refusal_has_reason_and_explanation",
            )
        ]

    def __str__(self):
        return f"{self.service} ({self.get_status_display()})"


class UnmetNeedEvidence(models.Model):
    """A client whose need could not be met: counted on the registry's need (NEED-4, DEL-4)."""

    need = models.ForeignKey(
        Need, related_name="unmet_evidence", on_delete=models.CASCADE, verbose_name=_("need")
    )
    request = models.ForeignKey(ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.ForeignKey(RefusalReason, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence of an unmet need")
        verbose_name_plural = _("evidence of unmet needs")
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.need} ({self.recorded_at:%Y-%m-%d})"


class Office(models.Model):
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300)
    accessibility = models.JSONField(_("accessibility features"), default=list, blank=True)
    interpreter_languages = models.JSONField(_("interpreter languages"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Slot(models.Model):
    office = models.ForeignKey(Office, related_name="slots", on_delete=models.CASCADE)
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=20)

    class Meta:
        verbose_name = _("reception slot")
        verbose_name_plural = _("reception slots")
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["office", "starts_at"], name="slot_once")]

    def __str__(self):
        return f"{formats.datetime(self.starts_at, year=True, zone=self.time_zone)} — {self.office}"

    @property
    def time_zone(self) -> str:
        """The office's local time: every page, notice and form shows the slot in it (its agency's zone)."""
        return self.office.agency.time_zone


class Appointment(Referenced):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    client = models.ForeignKey(USER, related_name="appointments", on_delete=models.CASCADE)
    slot = models.ForeignKey(Slot, related_name="appointments", on_delete=models.PROTECT)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    interpreter_language = models.CharField(_("interpreter language"), max_length=40, blank=True)
    accessibility_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot"], condition=Q(status="booked"), name="slot_booked_once")
        ]

    def __str__(self):
        return f"{self.client} @ {self.slot}"


# Segments of clients (issue 20, the personal scenario) live in their own module to keep this one readable.
from .segment_models import ClientSegment, SegmentRule  # noqa: E402, F401

# --- client-initiated applications (issue 20: DEL-3, DEL-4) ----------------------------------------------------


class ServiceTerms(models.Model):
    """How the platform delivers a service to a client who asks first: on an application or without one.

    A service the platform delivers has terms (or a rule in force, which gets the defaults below)."""

    class Mode(models.TextChoices):
        APPLICATION = "application", _("on the client's application")
        AUTOMATIC = "automatic", _("without an application")

    service = models.OneToOneField(
        Service, verbose_name=_("service"), related_name="delivery_terms", on_delete=models.CASCADE
    )
    mode = models.CharField(
        _("how it is delivered"), max_length=12, choices=Mode.choices, default=Mode.APPLICATION
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to a decision"),
        default=10,
        help_text=_("Calendar days from the application to the decision."),
    )
    decide_automatically = models.BooleanField(
        _("decide automatically"),
        default=True,
        help_text=_("Approve at once when the eligibility rule says the client qualifies."),
    )
    what_happens = models.TextField(
        _("what happens and when"),
        blank=True,
        help_text=_("For services without an application: what the agency does by itself, and when."),
    )
    approval_text = models.TextField(
        _("text of an automatic approval"),
        blank=True,
        help_text=_(
            "What the client reads when the rule approves at once: what is granted, from which date, how much "
            "and what happens next. Placeholders: {start} (the first day of the next month), {due} (today plus "
            "the days to a decision), {P.name} (a parameter of the rules), a fact such as "
            "{salary}, and a difference such as {P.pensioner_minimum - salary}. Empty: the rule's explanation."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery terms of a service")
        verbose_name_plural = _("delivery terms of services")
        ordering = ["service__name"]

    def __str__(self):
        return f"{self.service} ({self.get_mode_display()})"

    @property
    def automatic(self) -> bool:
        return self.mode == self.Mode.AUTOMATIC


class RequestDocument(models.Model):
    """A document the client attached to a request: the type sniffed from the bytes, photos without metadata."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("service request"), related_name="documents", on_delete=models.CASCADE
    )
    file = models.FileField(_("file"), upload_to="requests/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        ordering = ["request", "id"]

    def __str__(self):
        return self.name


class PopulationRun(models.Model):
    """The checkpoint of a whole-base run (eligibility or segments): a run cut short continues after its last
    client."""

    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", _("eligibility and offers")
        SEGMENTS = "segments", _("client segments")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ELIGIBILITY)
    on = models.DateField(_("reference date"))
    # Persons (clients) or businesses: each has its own checkpoint; `last_client_id` is the business's id then.
    subject = models.CharField(_("about whom"), max_length=10, default="person")
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_client_id = models.PositiveBigIntegerField(_("last client done"), default=0)
    clients = models.PositiveIntegerField(_("clients"), default=0)
    offers = models.PositiveIntegerField(_("offers"), default=0)
    information = models.PositiveIntegerField(_("information notices"), default=0)

    class Meta:
        verbose_name = _("eligibility run")
        verbose_name_plural = _("eligibility runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "on"],
                condition=Q(finished_at__isnull=True),
                name="population_run_open_once_per_kind_and_subject",
            )
        ]

    def __str__(self):
        return f"{self.on} ({self.clients})"


# Support measures for business (issue 19, BIZ-7): the business's consent and offers.
from .business_models import BusinessConsent, BusinessOffer  # noqa: E402, F401
