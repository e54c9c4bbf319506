"""Types of state control (виды контроля) with the numbers the law leaves to each, and their risk models."""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clientcentric.accounts.models import Agency

USER = settings.AUTH_USER_MODEL
CONSULTATION_CHANNELS = ("visit", "phone", "video")


def default_consultation_channels():
    return list(CONSULTATION_CHANNELS)


class ControlType(models.Model):
    """A type of state control (вид контроля) with its configuration and risk model."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    agency = models.ForeignKey(
        Agency, verbose_name=_("supervisory body"), related_name="control_types", on_delete=models.PROTECT
    )
    act_control_type = models.CharField(
        _("type of control as the acts name it"),
        max_length=300,
        help_text=_(
            "The name the acts use for this type; acts with it are linked when the type is synchronised."
        ),
    )
    # The reference: the acts whose requirements this type of control checks (a requirement list follows it).
    acts = models.ManyToManyField(
        "business.Act", verbose_name=_("acts checked"), related_name="supervision_types", blank=True
    )
    risk_model_file = models.CharField(_("risk model file"), max_length=200, blank=True)
    risk_model_text = models.TextField(_("risk model (YAML)"), blank=True)
    warning_objection_working_days = models.PositiveSmallIntegerField(
        _("objection to a warning, working days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_filing_days = models.PositiveSmallIntegerField(
        _("pre-trial appeal filing window, calendar days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    order_appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal against a compliance order, working days"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_review_working_days = models.PositiveSmallIntegerField(
        _("pre-trial appeal review, working days"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    appeal_extension_working_days = models.PositiveSmallIntegerField(
        _("extension of the review, working days"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    declaration_valid_years = models.PositiveSmallIntegerField(
        _("validity of a compliance declaration, years"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    declaration_min_score = models.PositiveSmallIntegerField(
        _("self-examination score that gives a declaration, %"),
        default=100,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    event_hours = models.DecimalField(
        _("business staff hours a control event takes"), max_digits=6, decimal_places=1, default=16
    )
    event_out_of_pocket = models.DecimalField(
        _("business out-of-pocket cost of a control event, ₽"), max_digits=12, decimal_places=2, default=0
    )
    incentives = models.JSONField(
        _("good-faith incentives this type uses"),
        default=list,
        blank=True,
        help_text=_("Codes of the incentives (248-ФЗ art. 48) the положение of this type provides."),
    )
    programme_deadline_month = models.PositiveSmallIntegerField(
        _("prevention programme approved by: month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    programme_deadline_day = models.PositiveSmallIntegerField(
        _("prevention programme approved by: day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    consultation_day_start = models.TimeField(_("consultations from"), default=time(10, 0))
    consultation_day_end = models.TimeField(_("consultations until"), default=time(17, 0))
    consultation_slot_minutes = models.PositiveSmallIntegerField(
        _("length of a consultation slot, minutes"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    consultation_channels = models.JSONField(
        _("channels of consultations"),
        default=default_consultation_channels,
        blank=True,
        help_text=_("Codes: visit (in person), phone, video."),
    )
    consultation_video_url = models.URLField(
        _("address of the video room"),
        blank=True,
        help_text=_("Each video consultation gets its own link under this address."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("type of control")
        verbose_name_plural = _("types of control")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        from ..services.incentives import validate_config

        self.incentives = validate_config(self.incentives)
