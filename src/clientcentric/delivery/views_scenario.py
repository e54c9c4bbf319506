"""The personal scenario page (/me/scenario/) and the representative's "acting for" switch (/me/acting/). Thin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts import acting
from clientcentric.accounts import selectors as representation
from clientcentric.accounts import services as account_services
from clientcentric.accounts.models import Power, User
from clientcentric.core.access import require_roles
from clientcentric.registry.models import Segment

from .selectors import scenario as scenario_selectors
from .services import segments as segment_services


@require_roles()
@require_GET
def scenario(request):
    client = acting.client_of(request, Power.DATA)
    return render(
        request,
        "delivery/scenario.html",
        {
            "client": client,
            "segments": scenario_selectors.client_segments(client),
            "situations": scenario_selectors.personal_needs(client),
            "page": scenario_selectors.timeline_page(client, request.GET.get("page")),
        },
    )


@require_roles()
@require_POST
def segment_correct(request):
    client = acting.client_of(request, Power.DATA)
    segment = get_object_or_404(Segment, code=request.POST.get("segment", ""))
    action = request.POST.get("action", "")
    try:
        if action in ("add", "reject"):
            segment_services.correct_segment(client, segment, belongs=action == "add", actor=request.user)
        elif action == "undo":
            segment_services.undo_correction(client, segment, actor=request.user)
        else:
            messages.error(request, _("Choose what to do with the segment."))
            return redirect("delivery:scenario")
        messages.success(request, _("Saved. We will take it into account from now on."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("delivery:scenario")


@require_roles()
@require_http_methods(["GET", "POST"])
def acting_for(request):
    """Whom the signed-in person may act for today, and the switch."""
    if request.method == "POST":
        raw = request.POST.get("client", "")
        if raw == "self":
            account_services.stop_acting(request.session, request.user)
            messages.success(request, _("You act for yourself again."))
            return redirect("delivery:cabinet")
        client = get_object_or_404(User, pk=int(raw) if raw.isdigit() else 0)
        try:
            account_services.start_acting(request.session, request.user, client)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(
                request,
                "delivery/acting.html",
                {"represented": acting.represented_clients(request.user)},
                status=403,
            )
        messages.success(request, _("You now act for %(name)s.") % {"name": client.full_name})
        if representation.acts_for(request.user, client=client, power=Power.DATA):
            return redirect("delivery:cabinet")
        # Without the power to see the client's data the cabinet is closed; this page says what is allowed.
        return redirect("delivery:acting")
    return render(
        request,
        "delivery/acting.html",
        {
            "represented": acting.represented_clients(request.user),
            "powers": representation.in_force(request.user)
            .filter(client__isnull=False)
            .select_related("client")
            .order_by("client__last_name", "pk"),
        },
    )
