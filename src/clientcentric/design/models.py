"""Service design projects through the stages of §4.4 (DES-1…DES-4), their prototypes and audience tests."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientcentric.core.models import AppendOnlyError
from clientcentric.registry.models import LifeSituation, Need, Segment, Service


class ProjectKind(models.TextChoices):
    NEW = "new", _("new service")
    REENGINEERING = "reengineering", _("re-engineering of an existing service")


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("preparation")
    ALPHA = "alpha", _("alpha prototype")
    ALPHA_TEST = "alpha_test", _("alpha test on the target audience")
    BETA = "beta", _("beta prototype")
    BETA_TEST = "beta_test", _("beta test on the target audience")
    REFINEMENT = "refinement", _("refinement")
    PILOT = "pilot", _("pilot")
    PRODUCTION = "production", _("production")
    MONITORING = "monitoring", _("monitoring")


class DesignProject(models.Model):
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("existing service")
    )
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, verbose_name=_("target segment"))
    life_situation = models.ForeignKey(
        LifeSituation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("life situation")
    )
    needs = models.ManyToManyField(Need, blank=True, related_name="design_projects", verbose_name=_("needs"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION)
    as_is = models.TextField(_("AS IS scenario"), blank=True)
    practice_analysis = models.TextField(_("analysis of current practice"), blank=True)
    best_practices = models.TextField(_("best practices"), blank=True)
    to_be = models.TextField(_("TO BE scenario"), blank=True)
    criteria = models.JSONField(
        _("assessment criteria"), default=list, blank=True, help_text=_('[{"name": "…", "weight": 3}, …]')
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("design project")
        verbose_name_plural = _("design projects")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("design:project", args=[self.pk])


class Variant(models.Model):
    """A solution option scored against the project's criteria (the assessment matrix)."""

    project = models.ForeignKey(DesignProject, related_name="variants", on_delete=models.CASCADE)
    name = models.CharField(_("variant"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    scores = models.JSONField(
        _("scores"), default=dict, blank=True, help_text=_("criterion name → score 1…5")
    )
    is_chosen = models.BooleanField(_("chosen"), default=False)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["project", "id"]

    def __str__(self):
        return self.name


class StageChange(models.Model):
    """Append-only history of a project's stages."""

    project = models.ForeignKey(DesignProject, related_name="stage_changes", on_delete=models.CASCADE)
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("stage history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("stage history is append-only")


class PanelMember(models.Model):
    """A client who agreed to take part in audience tests; withdrawing ends it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="research_panel", on_delete=models.CASCADE
    )
    agreed_at = models.DateTimeField(_("agreed at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    segments = models.ManyToManyField(Segment, blank=True, verbose_name=_("segments the client belongs to"))

    class Meta:
        verbose_name = _("research panel member")
        verbose_name_plural = _("research panel")

    def __str__(self):
        return str(self.person)

    @property
    def is_active(self):
        return self.withdrawn_at is None


class AudienceTest(models.Model):
    class Phase(models.TextChoices):
        ALPHA = "alpha", _("alpha prototype")
        BETA = "beta", _("beta prototype")
        MONITORING = "monitoring", _("after launch")

    project = models.ForeignKey(
        DesignProject, related_name="tests", on_delete=models.CASCADE, verbose_name=_("design project")
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, verbose_name=_("target segment"))
    title = models.CharField(_("title"), max_length=300)
    min_success_rate = models.FloatField(
        _("minimum task success (0…1, lower bound)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    min_sus = models.FloatField(
        _("minimum mean SUS"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_time_seconds = models.FloatField(_("maximum mean time on task, s"), null=True, blank=True)
    max_errors_per_task = models.FloatField(_("maximum errors per task"), null=True, blank=True)
    max_effort = models.FloatField(
        _("maximum mean effort (1…7)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    criteria_met = models.BooleanField(_("criteria met"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audience test")
        verbose_name_plural = _("audience tests")
        ordering = ["project", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("design:test", args=[self.pk])


class TestTask(models.Model):
    test = models.ForeignKey(AudienceTest, related_name="tasks", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("task"), max_length=500)

    class Meta:
        ordering = ["test", "position", "id"]

    def __str__(self):
        return self.text


class Participation(models.Model):
    test = models.ForeignKey(AudienceTest, related_name="participations", on_delete=models.CASCADE)
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT)
    sus_answers = models.JSONField(_("SUS answers (10 items, 1…5)"), default=list, blank=True)
    effort = models.PositiveSmallIntegerField(
        _("effort (1…7)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["test", "member"], name="participation_once")]

    def __str__(self):
        return f"{self.test_id}: {self.member_id}"


class TaskResult(models.Model):
    participation = models.ForeignKey(Participation, related_name="results", on_delete=models.CASCADE)
    task = models.ForeignKey(TestTask, on_delete=models.CASCADE)
    success = models.BooleanField()
    seconds = models.FloatField(validators=[MinValueValidator(0)])
    errors = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "task"], name="task_result_once")]

    def __str__(self):
        return f"{self.participation_id}/{self.task_id}: {'ok' if self.success else 'fail'}"
