"""Pages of the business: its risk profile, prevention (corrections, consultations, self-examination, warnings)
and its control events."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.business import selectors as business_selectors
from clientcentric.business.models import Requirement
from clientcentric.core import references
from clientcentric.core.access import require_roles

from .. import selectors
from ..forms import (
    AppealForm,
    ConsultationForm,
    CorrectionForm,
    DocumentForm,
    ObjectionForm,
    OmbudsmanForm,
    RepresentativeForm,
    RescheduleForm,
)
from ..models import ComplianceAlgorithm, ControlEvent, ControlType, EventDocument, PreventiveWarning
from ..services import events as event_services
from ..services import incentives, pretrial_appeals, prevention, risk
from .common import BUSINESS, STAFF, add_errors, staff_sees


def _profile(request):
    profile = business_selectors.profile_for(request.user)
    if profile is None:
        raise Http404(_("Fill in your business profile first."))
    return profile


@require_roles(BUSINESS)
@require_GET
def home(request):
    profile = business_selectors.profile_for(request.user)
    if profile is None:
        return redirect("business:profile")
    return render(
        request,
        "supervision/home.html",
        {
            "profile": profile,
            "types": selectors.overview(profile),
            "materials": selectors.materials_for(profile)[:10],
            "warnings": profile.warnings.select_related("control_type", "requirement__act"),
            "events": selectors.events_of(profile),
            "consultations": profile.supervision_consultations.select_related(
                "requirement__act", "control_type"
            ),
            "declarations": profile.declarations.select_related("control_type"),
            "incentives": selectors.of_business(profile),
            "today": timezone.localdate(),
        },
    )


def _fact_choices(control_type):
    model = risk.risk_model(control_type)
    return [(name, model.fact_title(name)) for name in model.facts]


def _risk_context(request, profile, control_type, correction_form=None, consultation_form=None):
    current = profile.risk_profiles.filter(control_type=control_type).first()
    if current is None and control_type.risk_model_text:
        current = risk.assess_profile(profile, control_type, actor=request.user)
    requirements = selectors.my_requirements(profile, control_type)
    algorithms = selectors.algorithms_for(requirements)
    return {
        "profile": profile,
        "control_type": control_type,
        "risk": current,
        "model": risk.risk_model(control_type) if control_type.risk_model_text else None,
        "sources": {
            code: risk.source_words(code)
            for code in (risk.SOURCE_PROFILE, risk.SOURCE_RECORDS, risk.SOURCE_BUSINESS, risk.SOURCE_APPEALS)
        },
        "complaints": current.facts.get(risk.COMPLAINTS_FACT) if current else None,
        "incentives": selectors.of_business(profile).filter(control_type=control_type),
        "incentives_available": incentives.choices_for(control_type),
        "corrections": risk.with_fact_titles(selectors.corrections_of(profile, control_type)),
        "correction_form": correction_form or CorrectionForm(facts=_fact_choices(control_type)),
        "consultation_form": consultation_form
        or ConsultationForm(requirements=requirements, control_type=control_type),
        "requirements": requirements,
        "algorithms": algorithms,
    }


@require_roles(BUSINESS)
@require_GET
def risk_profile(request, code):
    profile = _profile(request)
    control_type = get_object_or_404(ControlType, code=code)
    return render(request, "supervision/risk.html", _risk_context(request, profile, control_type))


@require_roles(BUSINESS)
@require_POST
def correct(request, code):
    profile = _profile(request)
    control_type = get_object_or_404(ControlType, code=code)
    form = CorrectionForm(request.POST, facts=_fact_choices(control_type))
    if form.is_valid():
        try:
            risk.submit_correction(profile, control_type, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The data are sent to the supervisory body; an inspector will check them.")
            )
            return redirect("supervision:risk", code=code)
    context = _risk_context(request, profile, control_type, correction_form=form)
    return render(request, "supervision/risk.html", context, status=422)


@require_roles(BUSINESS)
@require_POST
def consult(request, code):
    profile = _profile(request)
    control_type = get_object_or_404(ControlType, code=code)
    requirements = selectors.my_requirements(profile, control_type)
    form = ConsultationForm(request.POST, requirements=requirements, control_type=control_type)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booked = prevention.book_consultation(
                profile,
                control_type,
                Requirement.objects.select_related("act").get(pk=data["requirement"]),
                question=data["question"],
                slot=data["slot"],
                mode=data["mode"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                references.sentence(
                    _("Consultation %(number)s is booked; the written answer will be in your account."),
                    number=booked.reference,
                ),
            )
            return redirect("supervision:risk", code=code)
    context = _risk_context(request, profile, control_type, consultation_form=form)
    return render(request, "supervision/risk.html", context, status=422)


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def self_examination(request, code):
    profile = _profile(request)
    control_type = get_object_or_404(ControlType, code=code)
    requirements = selectors.my_requirements(profile, control_type)
    error = None
    answers = {}
    if request.method == "POST":
        answers = {r.pk: request.POST.get(f"r{r.pk}", "") for r in requirements}
        try:
            exam, declaration = prevention.self_examine(profile, control_type, answers, actor=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if declaration:
                messages.success(
                    request,
                    _(
                        "Your score is %(score)s%%. Declaration %(number)s is registered and valid until %(to)s."
                    )
                    % {
                        "score": exam.score,
                        "number": declaration.number,
                        "to": declaration.valid_to.strftime("%d.%m.%Y"),
                    },
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your score is %(score)s%%. A declaration needs %(min)s%%: the steps to compliance are on the risk profile page."
                    )
                    % {"score": exam.score, "min": control_type.declaration_min_score},
                )
            return redirect("supervision:risk", code=code)
    return render(
        request,
        "supervision/self_examination.html",
        {"control_type": control_type, "requirements": requirements, "error": error, "answers": answers},
        status=422 if error else 200,
    )


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def warning(request, pk):
    profile = _profile(request)
    item = get_object_or_404(
        PreventiveWarning.objects.select_related("control_type", "requirement__act"), pk=pk, profile=profile
    )
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = prevention.file_objection(item, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                references.sentence(_("Your objection %(number)s is filed."), number=objection.reference),
            )
            return redirect("supervision:warning", pk=pk)
    algorithm = ComplianceAlgorithm.objects.filter(requirement=item.requirement).first()
    return render(
        request,
        "supervision/warning.html",
        {"warning": item, "form": form, "algorithm": algorithm, "today": timezone.localdate()},
        status=422 if form.errors else 200,
    )


EVENT_FORMS = {
    "representative": RepresentativeForm,
    "reschedule": RescheduleForm,
    "document": DocumentForm,
    "appeal": AppealForm,
    "ombudsman": OmbudsmanForm,
}


def _event_context(event, forms=None):
    forms = forms or {}
    return {
        "event": event,
        "forms": {name: forms.get(name) or cls() for name, cls in EVENT_FORMS.items()},
        "cost": selectors.event_cost(event),
        "checks": list(event.checks.select_related("requirement__act")),
        "violated": [c for c in event.checks.select_related("requirement__act") if c.outcome == "violated"],
        "history": event.history.all(),
        "documents": event.documents.all(),
        "appeals": event.appeals.select_related("restoration_decided_by"),
        "ombudsman_requests": event.ombudsman_requests.select_related("answered_by").order_by("-created_at"),
        "order": getattr(event, "order", None),
        "algorithms": selectors.algorithms_for(
            [c.requirement_id for c in event.checks.all() if c.outcome == "violated"]
        ),
        "feedback_link": selectors.feedback_link(event),
        "reschedules": event.reschedule_requests.all(),
    }


@require_roles(BUSINESS)
@require_GET
def event(request, pk):
    profile = _profile(request)
    item = get_object_or_404(
        ControlEvent.objects.select_related("control_type", "profile"), pk=pk, profile=profile
    )
    return render(request, "supervision/event.html", _event_context(item))


@require_roles(BUSINESS)
@require_POST
def event_action(request, pk, action):
    profile = _profile(request)
    item = get_object_or_404(
        ControlEvent.objects.select_related("control_type", "profile"), pk=pk, profile=profile
    )
    if action not in EVENT_FORMS:
        raise Http404
    form = EVENT_FORMS[action](request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "representative":
                event_services.appoint_representative(item, actor=request.user, **data)
                done = _("The representative is appointed.")
            elif action == "reschedule":
                event_services.request_reschedule(item, actor=request.user, **data)
                done = _("Your request to reschedule is sent.")
            elif action == "document":
                event_services.add_document(item, data["file"], direction="from_business", actor=request.user)
                done = _("The document is sent to the supervisory body.")
            elif action == "appeal":
                appeal = pretrial_appeals.file_appeal(item, actor=request.user, **data)
                done = references.sentence(
                    _(
                        "Appeal %(number)s is filed after the window and registered as a request to restore the deadline."
                    )
                    if appeal.late
                    else _("Appeal %(number)s is registered; the decision is due by %(due)s."),
                    number=appeal.number,
                    due=appeal.review_due.strftime("%d.%m.%Y"),
                )
            else:
                asked = event_services.involve_ombudsman(item, actor=request.user, **data)
                done = references.sentence(
                    _(
                        "Request %(number)s reached the business ombudsman's office; the answer is due by %(due)s."
                    ),
                    number=asked.reference,
                    due=asked.due_on.strftime("%d.%m.%Y"),
                )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("supervision:event", pk=pk)
    return render(request, "supervision/event.html", _event_context(item, {action: form}), status=422)


@require_roles(BUSINESS, *STAFF)
@require_GET
def document(request, pk):
    doc = get_object_or_404(
        EventDocument.objects.select_related("event__profile", "event__control_type"), pk=pk
    )
    if request.user.role == BUSINESS:
        if business_selectors.profile_for(request.user) != doc.event.profile:
            raise Http404
    elif not staff_sees(request.user, doc.event.control_type):
        raise Http404
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)
