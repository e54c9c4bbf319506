"""Appeal pages: the public tracker, filing on the portal with +1, and the operator's queue."""

import math

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts import acting
from clientcentric.accounts.models import Power
from clientcentric.accounts.roles import Role
from clientcentric.core import plain_russian
from clientcentric.core.access import public, require_roles
from clientcentric.core.forms import add_service_errors
from clientcentric.core.services import rate_limit
from clientcentric.core.workflow import TransitionNotAllowed
from clientcentric.engines.text import plain_russian as plain_text

from . import acknowledgement, client_card, pending, playback, selectors, services, social, uploads
from .calls import services as call_services
from .forms import (
    MAX_RECORDINGS,
    AnswerForm,
    OperatorEntryForm,
    PortalAppealForm,
    ReopenForm,
    RouteForm,
    StatusCheckForm,
    known_topic,
)
from .models import Appeal, Attachment, CallRecording, SocialMessage, SocialThread, Status

OPERATORS = (Role.OPERATOR, Role.ADMIN)


@public
@require_GET
def public_list(request):
    filters = {k: request.GET.get(k, "").strip()[:300] or None for k in ("district", "topic", "status")}
    if filters["status"] not in Status.values:
        filters["status"] = None
    page = Paginator(selectors.public_appeals(**filters), 50).get_page(request.GET.get("page"))
    return render(request, "appeals/public_list.html", {"page": page, "filters": filters, "statuses": Status})


def _map(*, appeal=None, pick=False) -> dict:
    """What appeals/_map.html needs: the tile server, and the appeal's point or the form's fields to fill."""
    # The public page shows the place to about 100 m: enough to see the problem, not to find the author's door.
    point = (
        f"{appeal.latitude:.3f},{appeal.longitude:.3f}"
        if appeal is not None and appeal.latitude is not None
        else ""
    )
    return {
        "map_tiles": settings.CLIENTCENTRIC_MAP_TILES if (pick or point) else "",
        "map_attribution": settings.CLIENTCENTRIC_MAP_ATTRIBUTION,
        "map_center": settings.CLIENTCENTRIC_MAP_CENTER,
        "map_point": point,
        "map_pick": pick,
        "map_id": "appeal-map",
    }


@public
@require_GET
def public_detail(request, number):
    appeal = selectors.tracked_appeal(number, request.user)
    if appeal is None:
        raise Http404
    is_author = request.user.is_authenticated and appeal.author_id == request.user.pk
    supported = request.user.is_authenticated and appeal.supports.filter(person=request.user).exists()
    return render(
        request,
        "appeals/public_detail.html",
        {
            "appeal": appeal,
            "is_author": is_author,
            "supported": supported,
            "reopen_form": ReopenForm(),
            "events": [e for e in appeal.events.all() if e.is_public],
            "answers": [a for a in appeal.answers.all() if a.is_public],
            **_map(appeal=appeal),
        },
    )


@public
@require_http_methods(["GET", "POST"])
def new(request):
    # The chat-bot sends a client here with what they already wrote.
    initial = {
        "text": request.GET.get("text", "")[: services.MAX_TEXT_LENGTH],
        "topic": known_topic(request.GET.get("topic", "")[:300]),
    }
    # What was said to the chat-bot was said in private: published only if the author ticks the box.
    initial["publish"] = not initial["text"]
    key = pending.form_key(request.session, request.POST.get("form_key", ""))
    if request.method == "POST":
        services.drop_pending_photos(key, request.POST.getlist("drop_photo"))
    kept = pending.held(key)
    kept_photos = [f for f in kept if f.content_type in uploads.PHOTOS]
    kept_recordings = [f for f in kept if f.content_type not in uploads.PHOTOS]
    form = PortalAppealForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        kept_photos=len(kept_photos),
        kept_recordings=len(kept_recordings),
    )
    if request.method == "POST" and not request.user.is_authenticated:
        rate_limit.enforce("appeal", rate_limit.client_address(request))
    if request.method == "POST":
        valid = form.is_valid()
        # Kept whatever else is wrong with the form: a page that comes back with an error loses nothing.
        for field, accept in (("photos", uploads.PHOTOS), ("recordings", uploads.RECORDINGS)):
            if field in form.errors:
                continue
            uploaded = [(f.name, f.content_type, f.read()) for f in request.FILES.getlist(field)]
            for message in services.keep_pending_photos(key, uploaded, accept=accept):
                form.add_error(field, message)
                valid = False
        if valid:
            fields = {k: v for k, v in form.cleaned_data.items() if k not in ("photos", "recordings")}
            if not fields["text"].strip():
                # Said by voice or video only: the operator listens; the text says so.
                fields["text"] = _("Voice or video message: listen to the attached recording.")
            # A representative acting for a client files the appeal in the client's name, recorded as theirs.
            client = (
                acting.client_of(request, Power.APPEALS) if request.user.is_authenticated else request.user
            )
            try:
                intake = services.receive_with_attachments(
                    services.AppealInput(channel="portal", **fields),
                    pending.files(key),
                    author=client,
                    representative=request.user if client != request.user else None,
                    accept=uploads.PORTAL,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                services.discard_pending_photos(key)
                _remember_submission(request, intake)
                return redirect("appeals:confirmation", number=intake.appeal.number)
    return render(
        request,
        "appeals/new.html",
        {
            "form": form,
            "form_key": key,
            "kept_photos": [f for f in pending.held(key) if f.content_type in uploads.PHOTOS],
            "kept_recordings": [f for f in pending.held(key) if f.content_type not in uploads.PHOTOS],
            "recording_limits": _recording_limits(),
            "acting_for": acting.client_of(request, Power.APPEALS) if acting.is_acting(request) else None,
            **_map(pick=True),
        },
    )


def _recording_limits() -> dict:
    return {
        "count": MAX_RECORDINGS,
        "audio_mb": uploads.media_limit("audio/") // 2**20,
        "video_mb": uploads.media_limit("video/") // 2**20,
        "minutes": uploads.max_media_seconds() // 60,
    }


SUBMITTED = "appeals.submitted"


def _remember_submission(request, intake) -> None:
    """The browser that sent an appeal may see its confirmation page, signed in or not.

    The code is kept in the session only when no acknowledgement could carry it (a phone without an SMS gateway):
    then the confirmation page is the one place the author learns it.
    """
    submitted = dict(request.session.get(SUBMITTED, {}))
    submitted[intake.appeal.number] = "" if intake.acknowledged else intake.tracking_code
    request.session[SUBMITTED] = dict(list(submitted.items())[-10:])


def _masked_address(channel: str, address: str) -> str:
    if channel == "email":
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:2]}***{address[-2:]}"


@public
@require_GET
def confirmation(request, number):
    """The end of filing: the number, where the acknowledgement went, what happens next and by when."""
    submitted = request.session.get(SUBMITTED, {})
    appeal = (
        Appeal.objects.select_related("executor", "policy", "author").with_number(number).first()
        if number in submitted
        else None
    )
    if appeal is None:
        # Not this browser's appeal: the number alone opens nothing, the status page asks for the code.
        return redirect(f"{reverse('appeals:status')}?number={number}")
    code = submitted[number]
    is_author = request.user.is_authenticated and appeal.author_id == request.user.pk
    return render(
        request,
        "appeals/confirmation.html",
        {
            "appeal": appeal,
            "sent_to": [
                (channel, _masked_address(channel, a)) for channel, a in acknowledgement.addresses(appeal)
            ],
            "code": acknowledgement.shown_code(code) if code else "",
            "can_open": is_author or (appeal.is_published and appeal.status != Status.NEEDS_ROUTING),
        },
    )


@public
@require_http_methods(["GET", "POST"])
def status(request):
    """«Проверить статус»: number + confirmation code → status, public history and the answer; no account."""
    form = StatusCheckForm(request.POST or None, initial={"number": request.GET.get("number", "")[:30]})
    appeal = None
    if request.method == "POST" and form.is_valid():
        # Counted before the code is compared, so a guess over the limit learns nothing.
        rate_limit.enforce("appeal_status", rate_limit.client_address(request))
        rate_limit.enforce("appeal_status_number", form.cleaned_data["number"])
        appeal = selectors.appeal_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
        if appeal is None:
            form.add_error(None, _("No appeal matches this number and code. Check both and try again."))
    context = {"form": form, "appeal": appeal}
    if appeal is not None:
        context.update(
            events=[e for e in appeal.events.all() if e.is_public],
            # The code holder is the author: every answer is theirs to read, the private ones too.
            answers=list(appeal.answers.all()),
        )
    return render(request, "appeals/status.html", context, status=400 if form.errors else 200)


def _coordinate(value: str | None, limit: float) -> float | None:
    try:
        number = float((value or "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


@public
@require_POST
def similar(request):
    """Similar open appeals for the text being typed (htmx fragment).

    POST, not GET: the draft may hold personal data, and a query string ends up in access logs and proxies.
    """
    text = request.POST.get("text", "")[: services.MAX_TEXT_LENGTH]
    found = (
        selectors.similar_open_appeals(
            text,
            district=request.POST.get("district", ""),
            latitude=_coordinate(request.POST.get("latitude"), 90),
            longitude=_coordinate(request.POST.get("longitude"), 180),
            object_kind=request.POST.get("object_kind", "")[:100],
        )
        if len(text) >= 20
        else []
    )
    return render(request, "appeals/_similar.html", {"similar": found})


@require_roles()
@require_POST
def support(request, number):
    appeal = get_object_or_404(Appeal.objects.with_number(number))
    try:
        created = services.support(appeal, person=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You support this appeal and will be told of every change.")
            if created
            else _("You already support this appeal."),
        )
    return redirect(appeal.get_absolute_url())


@require_roles()
@require_POST
def reopen(request, number):
    appeal = get_object_or_404(Appeal.objects.with_number(number))
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen(appeal, person=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The appeal is reopened."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(appeal.get_absolute_url())


@require_roles()
@require_GET
def mine(request):
    own = Appeal.objects.filter(author=request.user).order_by("-registered_at")
    followed = Appeal.objects.filter(supports__person=request.user).order_by("-registered_at")
    return render(request, "appeals/mine.html", {"own": own, "followed": followed})


@require_roles(*OPERATORS)
@require_GET
def queue(request):
    view = request.GET.get("view", "all")
    view = view if view in ("all", "at_risk", "overdue") else "all"
    page = Paginator(selectors.queue_for(request.user, view), 50).get_page(request.GET.get("page"))
    # Appeals no agency holds yet are in no agency's queue: the operator sees that they wait, and a router where.
    waiting_count, waiting = selectors.awaiting_routing_summary()
    return render(
        request,
        "appeals/queue.html",
        {"page": page, "view": view, "waiting_count": waiting_count, "waiting": waiting},
    )


def _operator_appeal(request, number) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("executor", "policy", "author", "need", "life_situation").with_number(
            number
        )
    )
    if not request.user.is_superuser and appeal.executor_id != request.user.agency_id:
        raise PermissionDenied
    return appeal


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def work(request, number):
    appeal = _operator_appeal(request, number)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "take":
                services.take(appeal, operator=request.user)
            elif action == "ask":
                services.change_status(
                    appeal, Status.AWAITING_DETAILS, actor=request.user, note=request.POST.get("note", "")
                )
            elif action == "resume":
                services.change_status(appeal, Status.IN_PROGRESS, actor=request.user)
            elif action in ("publish", "unpublish"):
                services.set_publication(
                    appeal,
                    published=action == "publish",
                    operator=request.user,
                    reason=request.POST.get("note", ""),
                )
            elif action == "reassign":
                route = RouteForm({"executor": request.POST.get("executor"), "topic": appeal.topic or "-"})
                if not route.is_valid():
                    raise ValidationError(_("Choose the executor to hand the appeal to."))
                services.reassign(
                    appeal,
                    executor=route.cleaned_data["executor"],
                    operator=request.user,
                    note=request.POST.get("note", ""),
                )
                return redirect("appeals:queue")
            elif action == "resend_social":
                message = get_object_or_404(
                    SocialMessage, pk=request.POST.get("message") or 0, thread__appeal=appeal
                )
                social.retry(message, operator=request.user)
            elif action in ("public_reply", "answer") and form.is_valid():
                send = services.public_reply if action == "public_reply" else services.answer
                # The answer template version the operator started from (knowledge base panel), if any.
                extra = (
                    {
                        "template_version": selectors.answer_template_version(
                            request.POST.get("template_version", "")
                        )
                    }
                    if action == "answer"
                    else {}
                )
                try:
                    send(appeal, operator=request.user, **form.cleaned_data, **extra)
                except ValidationError as error:
                    # The operator's text stays in the form next to the reason it was refused.
                    add_service_errors(form, error)
                    return _work_page(request, appeal, form, status=400)
            else:
                return _work_page(request, appeal, form, status=400)
        except TransitionNotAllowed as error:
            messages.error(request, f"an appeal cannot go from {error.current} to {error.target}")
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("appeals:work", number=appeal.number)
    return _work_page(request, appeal, form)


@require_roles(*OPERATORS)
@require_GET
def attachment(request, number, pk):
    """A file of an appeal, served only to the staff who may work the appeal (never from a public URL).

    Long recordings are sought by the browser with `Range: bytes=…` (206 Partial Content; appeals/playback.py);
    the read is audited once per playback session, not once per range."""
    appeal = _operator_appeal(request, number)
    item = get_object_or_404(Attachment, pk=pk, appeal=appeal)
    size = item.file.size
    part = playback.byte_range(request.headers.get("Range", ""), size)
    if part == playback.UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        if playback.first_in_session(request.session, item.pk):
            services.note_attachment_read(request.user, item)
        if part is None:
            response = FileResponse(item.file.open("rb"), content_type=item.content_type)
        else:
            first, last = part
            response = StreamingHttpResponse(
                playback.read_part(item.file.open("rb"), first, last),
                status=206,
                content_type=item.content_type,
            )
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = f'inline; filename="{item.file.name.rsplit("/", 1)[-1]}"'
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _work_page(request, appeal, form, status=200):
    card = client_card.client_card(appeal, request.user)
    client_card.note_read(request.user, appeal)
    thread = SocialThread.objects.filter(appeal=appeal).select_related("account").first()
    # The caller's number is masked until the operator asks for it; each such read is audited.
    wanted = request.GET.get("caller", "")
    files = []
    for item in appeal.attachments.select_related("call"):
        call = _call_of(item)
        revealed = call is not None and wanted == str(call.pk)
        number = ""
        if call is not None:
            number = (
                call_services.reveal_number(call, viewer=request.user) if revealed else call.masked_number
            )
        files.append({"item": item, "call": call, "number": number, "revealed": revealed})
    return render(
        request,
        "appeals/work.html",
        {
            "appeal": appeal,
            "form": form,
            "events": appeal.events.select_related("actor"),
            "route_form": RouteForm(),
            "attachments": files,
            "card": card,
            "thread": thread,
            "social_messages": thread.messages.all() if thread is not None else [],
        },
        status=status,
    )


def _call_of(item: Attachment):
    try:
        return item.call
    except CallRecording.DoesNotExist:
        return None


@require_roles(*OPERATORS)
@require_POST
def plain_check(request):
    """The plain-Russian check of the answer being typed (htmx fragment under the answer form)."""
    # Any form can ask for it: `fields` names the fields whose text is checked together (a refusal's explanation
    # and next steps), `text` by default.
    fields = [name for name in request.POST.get("fields", "text").split(",") if name][:5]
    text = "\n\n".join(request.POST.get(name, "") for name in fields).strip()
    # The limits of the appeal's executor, which the answer will be sent under; else the operator's agency.
    number = request.POST.get("appeal", "")
    agency = _operator_appeal(request, number).executor if number else request.user.agency
    context = {"text": text}
    if text.strip():
        try:
            result = plain_russian.check(text, agency)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            limits = plain_russian.limits_for(agency)
            context.update(
                result=result,
                limits=limits,
                over_limit=plain_text.is_over_limit(result),
                pieces=plain_text.highlighted(text, result),
                long_sentences=plain_text.long_sentence_excerpts(text, result),
                problems=plain_russian.problem_messages(result),
            )
    return render(request, "appeals/_plain_check.html", context)


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def record(request):
    """A phone call or a visit, recorded by the operator who took it."""
    form = OperatorEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.AppealInput(**form.cleaned_data)
        try:
            intake = services.receive_appeal(
                data, recorded_by=request.user, default_executor=request.user.agency
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Appeal %(number)s is registered.") % {"number": intake.appeal.number}
            )
            return redirect("appeals:work", number=intake.appeal.number)
    return render(request, "appeals/record.html", {"form": form})


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def routing_desk(request):
    """Appeals the classifier was not sure about; a router's decision also teaches the classifier."""
    if not request.user.has_perm("appeals.route_appeal"):
        raise PermissionDenied
    if request.method == "POST":
        appeal = get_object_or_404(
            Appeal.objects.with_number(request.POST.get("number", "")), status=Status.NEEDS_ROUTING
        )
        form = RouteForm(request.POST)
        if form.is_valid():
            try:
                services.route_manually(
                    appeal,
                    executor=form.cleaned_data["executor"],
                    topic=form.cleaned_data["topic"],
                    router=request.user,
                )
            except TransitionNotAllowed:
                messages.error(request, _("Appeal %(number)s is already routed.") % {"number": appeal.number})
            else:
                messages.success(
                    request,
                    _("Appeal %(number)s is routed to %(agency)s.")
                    % {"number": appeal.number, "agency": form.cleaned_data["executor"].name},
                )
        else:
            messages.error(request, _("Choose an executor and a topic."))
        return redirect("appeals:routing")
    return render(
        request,
        "appeals/routing.html",
        {"waiting": selectors.awaiting_routing(), "agencies": RouteForm().fields["executor"].queryset},
    )
