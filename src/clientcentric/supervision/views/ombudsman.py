"""The business ombudsman's office: its queue of businesses' requests, taking one into work, the answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientcentric.accounts.roles import Role
from clientcentric.core.access import require_roles
from clientcentric.core.services import audit

from ..models import OmbudsmanRequest
from ..selectors import ombudsman as ombudsman_selectors
from ..services import ombudsman

OMBUDSMAN_OFFICE = (Role.BUSINESS_OMBUDSMAN, Role.ADMIN)


@require_roles(*OMBUDSMAN_OFFICE)
@require_GET
def queue(request):
    context = ombudsman_selectors.queue()
    # The queue shows businesses' requests with their representatives' words: every read is audited.
    audit.record(
        request.user,
        "supervision.ombudsman_queue_read",
        summary=f"{len(context['open_requests'])} open requests",
    )
    return render(request, "supervision/ombudsman_queue.html", context)


@require_roles(*OMBUDSMAN_OFFICE)
@require_POST
def act(request, pk, action):
    item = get_object_or_404(OmbudsmanRequest, pk=pk)
    try:
        if action == "take":
            ombudsman.take(item, actor=request.user)
            done = _("The request is taken into work.")
        elif action == "answer":
            ombudsman.answer(item, text=request.POST.get("answer", ""), actor=request.user)
            done = _("The answer is sent to the business.")
        else:
            raise Http404
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, done)
    return redirect("supervision:ombudsman_queue")
