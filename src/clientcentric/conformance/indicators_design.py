"""Indicators of the evidence loop: services launched after a beta test on their target segment, and the needs by
public status. Definitions: docs/indicators.md."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats
from clientcentric.design.models import AudienceTest, DesignProject, ProjectKind
from clientcentric.registry.models import Need, NeedStatus

from .indicator_kit import Column, indicator, share_by, share_value, tally
from .indicators import Quarter


def _launched(agency, quarter: Quarter):
    tested = AudienceTest.objects.filter(
        project=OuterRef("pk"),
        phase=AudienceTest.Phase.BETA,
        segment=OuterRef("segment"),
        completed_at__isnull=False,
        completed_at__date__lte=OuterRef("launched_on"),
    )
    projects = DesignProject.objects.filter(
        launched_on__gte=quarter.first_day, launched_on__lt=quarter.next.first_day
    ).annotate(beta_tested=Exists(tested), agency_id=Coalesce("service__agency", "created_by__agency"))
    return projects if agency is None else projects.filter(agency_id=getattr(agency, "pk", agency))


def launch_records(agency, quarter: Quarter, key: str | None = None):
    projects = _launched(agency, quarter).select_related("segment", "service")
    if key:
        projects = projects.filter(kind=key)
    return projects.order_by("beta_tested", "-launched_on", "-pk")


@indicator(
    "beta_tested_launches",
    _("Services launched after a beta test on their target segment"),
    unit="share",
    breakdown_title=_("kind of project"),
    labels=lambda: {value: str(label) for value, label in ProjectKind.choices},
    records=launch_records,
    columns=(
        Column(
            _("design project"),
            lambda p: p.name,
            lambda p: reverse("admin:design_designproject_change", args=[p.pk]),
        ),
        Column(_("target segment"), lambda p: p.segment.name),
        Column(_("launched on"), lambda p: formats.date(p.launched_on)),
        Column(_("beta test on the segment"), lambda p: _("yes") if p.beta_tested else _("no")),
    ),
    definition=_(
        "Design projects launched in the quarter whose beta test on the project's target segment was completed "
        "on or before the launch day."
    ),
)
def beta_tested_launches(*, agency=None, quarter: Quarter):
    return share_by(
        "beta_tested_launches", quarter, agency, _launched(agency, quarter), ("kind",), Q(beta_tested=True)
    )


# Needs: the status each need had at the end of the quarter, read from the registry's history (a need's status
# changes; the quarter's figure must not), for the needs the agency's services answer.


def _at_end(quarter: Quarter):
    """Each need's last historical row before the quarter's end (the need as it stood then), deleted ones left
    out — in SQL, with a correlated subquery, so that counting stays one query on every database."""
    _start, end = quarter.bounds()
    history = Need.history.model.objects
    latest = (
        history.filter(id=OuterRef("id"), history_date__lt=end)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return history.filter(history_date__lt=end, history_id=Subquery(latest)).exclude(history_type="-")


def _needs(agency, quarter: Quarter):
    needs = _at_end(quarter)
    if agency is not None:
        needs = needs.filter(id__in=Need.objects.filter(services__agency=agency).values("pk"))
    return needs


def needs_records(agency, quarter: Quarter, key: str | None = None):
    needs = _needs(agency, quarter)
    if key:
        needs = needs.filter(status=key)
    return needs.order_by("status", "name")


NEED_COLUMNS = (
    Column(_("need"), lambda n: n.name, lambda n: reverse("registry:need", args=[n.code])),
    Column(_("status"), lambda n: n.get_status_display()),
    Column(_("public reason"), lambda n: n.status_reason or "—"),
)
STATUS_LABELS = {
    "met": _("met by services"),
    "in_progress": _("being worked on"),
    "cannot_meet": _("cannot be met, with the public reason"),
}


def _needs_share(code: str, agency, quarter: Quarter, counted: Q):
    return share_value(code, quarter, agency, {}, total=tally(_needs(agency, quarter), counted))


def _needs_indicator(code, title, counted: Q, definition):
    def compute(*, agency=None, quarter: Quarter):
        return _needs_share(code, agency, quarter, counted)

    compute.__name__ = code
    return indicator(
        code,
        title,
        unit="share",
        breakdown_title=_("status"),
        labels=lambda: {key: str(label) for key, label in STATUS_LABELS.items()},
        records=needs_records,
        columns=NEED_COLUMNS,
        definition=definition,
    )(compute)


needs_met = _needs_indicator(
    "needs_met",
    _("Needs met by services"),
    Q(status=NeedStatus.MET),
    _("Needs of the registry whose status at the end of the quarter is «met by services», of all needs."),
)
needs_in_work = _needs_indicator(
    "needs_in_work",
    _("Needs being worked on"),
    Q(status=NeedStatus.IN_PROGRESS),
    _("Needs whose status at the end of the quarter is «being worked on», of all needs."),
)
needs_cannot_with_reason = _needs_indicator(
    "needs_cannot_with_reason",
    _("Needs that cannot be met, with the public reason"),
    Q(status=NeedStatus.CANNOT_MEET) & ~Q(status_reason=""),
    _(
        "Needs whose status at the end of the quarter is «cannot be met» and that say why publicly, of all needs."
    ),
)
