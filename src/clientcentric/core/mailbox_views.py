"""The staff mailbox: outgoing e-mail kept on this machine (core.local_mailbox), opened as it would arrive."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import local_mailbox
from .access import require_roles
from .services import audit

# accounts.roles.Role's values (core sits below accounts): the people who write to clients.
READERS = ("operator", "admin")


@require_roles(*READERS)
@require_GET
def mailbox(request):
    if not local_mailbox.is_active():
        raise Http404
    page = Paginator(local_mailbox.messages(), 50).get_page(request.GET.get("page"))
    return render(request, "core/mailbox.html", {"page": page})


@require_roles(*READERS)
@require_GET
def mailbox_message(request, key: str):
    if not local_mailbox.is_active():
        raise Http404
    message = local_mailbox.message(key)
    if message is None:
        raise Http404
    # A message carries a person's address and what was said to them: each opening is on the record.
    audit.record(request.user, "mailbox.message_opened", summary=message.subject[:200], key=key)
    return render(request, "core/mailbox_message.html", {"message": message})
