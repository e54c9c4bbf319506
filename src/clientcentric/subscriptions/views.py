from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clientcentric.core.access import public, require_roles
from clientcentric.core.services import inbox as inbox_services

from . import selectors, services
from .forms import PreferencesForm


@require_roles()
@require_http_methods(["GET", "POST"])
def manage(request):
    channels = services.available_channels()
    kb_topics = selectors.knowledge_base_topics()
    current = selectors.preferences_of(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial=PreferencesForm.initial_from(current),
        channels=channels,
        kb_topics=kb_topics,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(request.user, form.preferences(), actor=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your subscription settings are saved."))
            return redirect("subscriptions:manage")
    status = 400 if request.method == "POST" else 200
    return render(request, "subscriptions/manage.html", {"form": form}, status=status)


@public
@csrf_exempt  # RFC 8058: the mail provider POSTs from outside, without our form or cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    # Opening the link only asks: mail scanners and link previews follow every link in a message, and must not
    # unsubscribe anyone. The person's button and the mail client's one-click (RFC 8058) POST.
    try:
        if request.method == "GET":
            preview = services.unsubscribe_preview(token)
            page = (
                "unsubscribe_confirm.html" if preview.changed else "unsubscribed.html"
            )  # nothing left to stop
            return render(request, f"subscriptions/{page}", {"result": preview})
        result = services.unsubscribe(token)
    except signing.BadSignature:
        return render(request, "subscriptions/unsubscribe_invalid.html", status=400)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        # One-click from the mail client: the answer is read by a machine, not a person.
        return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
    return render(request, "subscriptions/unsubscribed.html", {"result": result})


@require_roles()
@require_http_methods(["GET"])
def inbox(request):
    """The personal cabinet's messages: what reached the client on the `cabinet` channel, newest first."""
    page = selectors.inbox_of(request.user)
    # Opening the page is reading: the unread marks go once the client has seen them.
    inbox_services.mark_read(request.user, [m.pk for m in page if m.read_at is None])
    return render(request, "subscriptions/inbox.html", {"messages_page": page})
