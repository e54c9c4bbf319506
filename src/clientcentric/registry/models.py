"""The unified registry (NEED-4): life situations, client segments, typical needs, services and FAQ."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clientcentric.accounts.models import Agency

CODE_HELP = _("Stable identifier used in links, the API and open data: latin letters, digits, hyphens.")


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("citizens")
    BUSINESS = "business", _("business")


class NeedStatus(models.TextChoices):
    MET = "met", _("met by services")
    IN_PROGRESS = "in_progress", _("being worked on")
    CANNOT_MEET = "cannot_meet", _("cannot be met")


class ServiceKind(models.TextChoices):
    SERVICE = "service", _("service")
    DIGITAL = "digital", _("digital service")
    SUPPORT_MEASURE = "support_measure", _("support measure")


class EffortClass(models.TextChoices):
    ONE_CLICK = "one_click", _("one click")
    FIVE_MINUTES = "five_minutes", _("5 minutes")
    FORM_10_MINUTES = "form_10_minutes", _("form of up to 10 minutes")
    OTHER = "other", _("other")


class Touchpoint(models.Model):
    """A point of interaction (DEF-11). The nine kinds are created by a migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class SearchableMixin(models.Model):
    # Lemmas of the record's public text, kept by the service layer; see engines.text.lemmas.
    search_document = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True


class LifeSituation(SearchableMixin):
    code = models.SlugField(_("code"), max_length=80, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.CITIZEN
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:life_situation", args=[self.code])


class Segment(SearchableMixin):
    code = models.SlugField(_("code"), max_length=80, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_potential = models.BooleanField(
        _("potential clients"), default=False, help_text=_("Clients who do not use the portal yet.")
    )
    life_situations = models.ManyToManyField(
        LifeSituation, verbose_name=_("life situations"), related_name="segments", blank=True
    )
    history = HistoricalRecords(excluded_fields=["search_document"], m2m_fields=[life_situations])

    class Meta:
        verbose_name = _("client segment")
        verbose_name_plural = _("client segments")
        ordering = ["code"]

    def __str__(self):
        return self.name


class FaqEntry(SearchableMixin):
    code = models.SlugField(_("code"), max_length=80, unique=True, help_text=CODE_HELP)
    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")
        ordering = ["topic", "question"]

    def __str__(self):
        return self.question


class Service(SearchableMixin):
    code = models.SlugField(_("code"), max_length=80, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ServiceKind.choices, default=ServiceKind.SERVICE
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), related_name="services", on_delete=models.PROTECT
    )
    touchpoints = models.ManyToManyField(Touchpoint, verbose_name=_("touchpoints"), related_name="services")
    effort_class = models.CharField(
        _("effort class"), max_length=20, choices=EffortClass.choices, default=EffortClass.OTHER
    )
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # What a client needs to decide and to act (issue 18: a service page must lead somewhere).
    eligibility = models.TextField(_("who can get it"), blank=True)
    documents = models.TextField(_("documents"), blank=True, help_text=_("One document a line."))
    cost = models.CharField(
        _("cost"), max_length=200, blank=True, help_text=_("For example: free of charge.")
    )
    duration = models.CharField(_("how long it takes"), max_length=200, blank=True)
    apply_url = models.URLField(
        _("where to apply online"),
        max_length=500,
        blank=True,
        help_text=_("The service's page on Gosuslugi or the agency's own application form."),
    )
    address = models.CharField(_("address for in-person visits"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    history = HistoricalRecords(excluded_fields=["search_document"], m2m_fields=[touchpoints])

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:service", args=[self.code])

    @property
    def apply_host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.apply_url).hostname or ""

    @property
    def document_list(self) -> list[str]:
        return [line.strip(" -–—•\t") for line in self.documents.splitlines() if line.strip(" -–—•\t")]


class Need(SearchableMixin):
    """A typical need with its public status (met / being worked on / cannot be met)."""

    code = models.SlugField(_("code"), max_length=80, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IN_PROGRESS
    )
    status_reason = models.TextField(
        _("public reason"), blank=True, help_text=_("Shown to clients: why the need has this status.")
    )
    faq = models.ForeignKey(
        FaqEntry,
        verbose_name=_("FAQ entry"),
        null=True,
        blank=True,
        related_name="needs",
        on_delete=models.PROTECT,
        help_text=_("Required for needs that cannot be met: why, and what to do instead."),
    )
    life_situations = models.ManyToManyField(
        LifeSituation, verbose_name=_("life situations"), related_name="needs"
    )
    segments = models.ManyToManyField(
        Segment, verbose_name=_("client segments"), related_name="needs", blank=True
    )
    services = models.ManyToManyField(Service, verbose_name=_("services"), related_name="needs", blank=True)
    # "Why not now, and when" (issue 20): the date the agency expects to meet a need it cannot meet yet.
    expected_on = models.DateField(
        _("expected date"),
        null=True,
        blank=True,
        help_text=_("When the agency expects to meet the need, if it has a date. Shown to clients."),
    )
    history = HistoricalRecords(
        excluded_fields=["search_document"], m2m_fields=[life_situations, segments, services]
    )

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=NeedStatus.CANNOT_MEET) | (Q(faq__isnull=False) & ~Q(status_reason="")),
                name="need_cannot_meet_explained",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:need", args=[self.code])

    @property
    def not_met_now(self) -> bool:
        """A need the client cannot have met today: "why not now, and when" is told wherever it is shown."""
        return self.status != NeedStatus.MET


class Expectation(models.Model):
    """What the client assumes will be done to meet a need (DEF-7)."""

    need = models.ForeignKey(
        Need, verbose_name=_("need"), related_name="expectations", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("expectation"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expectation")
        verbose_name_plural = _("expectations")
        ordering = ["need", "position"]
        constraints = [
            models.UniqueConstraint(fields=["need", "position"], name="expectation_position_unique")
        ]

    def __str__(self):
        return self.text


class SearchSynonym(models.Model):
    """What people say («детсад», «яма», «ИП») and what the registry says for it: every search adds the latter.

    Kept by the methodologist in the back office; seeded from the words of real appeals and questions.
    """

    phrase = models.CharField(
        _("people say"), max_length=200, unique=True, help_text=_("A word or phrase as clients write it.")
    )
    means = models.CharField(
        _("the registry says"),
        max_length=300,
        help_text=_("The words the registry and the knowledge base use for the same thing."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        ordering = ["phrase"]

    def __str__(self):
        return f"{self.phrase} → {self.means}"
