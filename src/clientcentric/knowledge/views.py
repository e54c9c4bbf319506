"""The site search, public knowledge-base pages, the chat-bot widget, the operators' chat queue, and the
operator's template and article panel."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.models import Agency
from clientcentric.appeals.models import Appeal
from clientcentric.core.access import public, require_roles
from clientcentric.core.services import audit, rate_limit

from . import chatbot, selectors, services
from .models import Article, ArticleStatus, Conversation

OPERATORS = ("operator", "admin")
SESSION_KEY = "chat_conversation"


@public
@require_GET
def site_search(request):
    """Everything a citizen may look for, ranked; never a dead end (report a problem, the chat-bot, a person)."""
    query = request.GET.get("q", "").strip()[:200]
    hits = selectors.site_search(query) if query else []
    context = {"query": query, "hits": hits, "report_url": _report_url(query)}
    template = "knowledge/_site_results.html" if request.htmx else "knowledge/site_search.html"
    return render(request, template, context)


def _report_url(query: str) -> str:
    url = reverse("appeals:new")
    return f"{url}?{urlencode({'text': query})}" if query else url


@public
@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY]
    hits = selectors.search(query, 10) if query else []
    context = {"query": query, "hits": hits}
    if request.htmx:
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/search.html", context)


@public
@require_GET
def article(request, pk):
    found = get_object_or_404(
        Article.objects.filter(status=ArticleStatus.PUBLISHED).prefetch_related("needs", "life_situations"),
        pk=pk,
    )
    return render(request, "knowledge/article.html", {"article": found})


# The chat-bot. The conversation lives in the session, so an anonymous visitor keeps theirs between pages.


def _conversation(request, *, create: bool = True) -> Conversation | None:
    pk = request.session.get(SESSION_KEY)
    found = Conversation.objects.filter(pk=pk).first() if pk else None
    if found is not None and found.client_id and found.client_id != getattr(request.user, "pk", None):
        found = None
    if found is None and create:
        found = chatbot.start(client=request.user)
        request.session[SESSION_KEY] = str(found.pk)
    return found


def _chat_response(request, conversation, *, error: str = ""):
    conversation.refresh_from_db()  # the service worked on its own locked copy
    if request.htmx and request.GET.get("part") == "messages":
        # While an operator answers, the widget refreshes only the messages, not the field being typed in.
        return render(
            request,
            "knowledge/_chat_messages.html",
            {"conversation": conversation, "chat_messages": conversation.messages.all()},
        )
    context = {
        "conversation": conversation,
        "chat_messages": conversation.messages.all(),
        "signed_in": request.user.is_authenticated,
        "appeal_url": chatbot.appeal_form_url(conversation),
        "error": error,
    }
    if request.htmx:
        return render(request, "knowledge/_chat_log.html", context)
    if error:
        messages.error(request, error)
    return redirect("kb:chat")


@public
@require_GET
def chat(request):
    conversation = _conversation(request)
    return render(
        request,
        "knowledge/chat.html",
        {
            "conversation": conversation,
            "chat_messages": conversation.messages.all(),
            "signed_in": request.user.is_authenticated,
            "appeal_url": chatbot.appeal_form_url(conversation),
            "on_chat_page": True,
        },
    )


@public
@require_GET
def chat_log(request):
    if not request.htmx:
        return redirect("kb:chat")
    return _chat_response(request, _conversation(request))


@public
@require_POST
def chat_send(request):
    rate_limit.enforce("chatbot", rate_limit.client_address(request))
    conversation = _conversation(request)
    if conversation.ended_at is not None:
        conversation = _restart(request)
    try:
        chatbot.receive(conversation, request.POST.get("text", ""), user=request.user)
    except ValidationError as error:
        return _chat_response(request, conversation, error=" ".join(error.messages))
    return _chat_response(request, conversation)


def _restart(request) -> Conversation:
    conversation = chatbot.start(client=request.user)
    request.session[SESSION_KEY] = str(conversation.pk)
    return conversation


@public
@require_POST
def chat_handover(request):
    conversation = _conversation(request)
    try:
        chatbot.hand_over(conversation, user=request.user)
    except ValidationError as error:
        return _chat_response(request, conversation, error=" ".join(error.messages))
    return _chat_response(request, conversation)


@public
@require_POST
def chat_rate(request):
    conversation = _conversation(request)
    try:
        chatbot.rate(conversation, request.POST.get("rating"))
    except ValidationError as error:
        return _chat_response(request, conversation, error=" ".join(error.messages))
    return _chat_response(request, conversation)


@public
@require_POST
def chat_end(request):
    conversation = _conversation(request)
    if conversation.ended_at is None:
        chatbot.end(conversation)
    return _chat_response(request, conversation)


@public
@require_POST
def chat_new(request):
    return _chat_response(request, _restart(request))


# The operator's panel beside the answer form.


def _operator_appeal(request, number) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("executor", "policy", "author").with_number(number)
    )
    if not request.user.is_superuser and appeal.executor_id != request.user.agency_id:
        raise PermissionDenied
    return appeal


@require_roles(*OPERATORS)
@require_GET
def operator_panel(request, number):
    appeal = _operator_appeal(request, number)
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY]
    hits = selectors.search(query or appeal.text[:500], 5)
    return render(
        request,
        "knowledge/_operator_panel.html",
        {"appeal": appeal, "templates": selectors.templates_for(appeal), "hits": hits, "query": query},
    )


@require_roles(*OPERATORS)
@require_GET
def operator_insert(request, number):
    """The answer text with a template (filled in for this appeal) or an article appended to what is typed."""
    appeal = _operator_appeal(request, number)
    typed = request.GET.get("text", "")
    # The template version stays with the answer when an article is appended after the template.
    version = selectors.template_version(request.GET.get("template_version", ""))
    if request.GET.get("template"):
        template = get_object_or_404(selectors.templates_for(appeal), pk=request.GET["template"])
        version = template.current_version
        addition = services.render_template(version.body, services.template_context(appeal, request.user))
    else:
        addition = get_object_or_404(
            selectors.published_articles(), pk=request.GET.get("article") or 0
        ).answer
    text = f"{typed.rstrip()}\n\n{addition}" if typed.strip() else addition
    return render(request, "knowledge/_answer_box.html", {"text": text, "version": version})


# The operators' chat queue: conversations handed over to a person, each with its own short deadline.


@require_roles(*OPERATORS)
@require_GET
def chat_queue(request):
    # An operator sees the hand-overs routed to their agency; the region's coordinators see them all.
    page = Paginator(selectors.chats_waiting(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/chat_queue.html",
        {"page": page, "now": timezone.now(), "coordinator": selectors.coordinates_chats(request.user)},
    )


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def chat_operator(request, pk):
    conversation = get_object_or_404(selectors.chats_handed_over(request.user), pk=pk)
    coordinator = selectors.coordinates_chats(request.user)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        try:
            if action == "pass" and coordinator:
                agency = get_object_or_404(Agency, pk=request.POST.get("agency") or 0, is_active=True)
                services.pass_conversation(conversation, agency, actor=request.user)
                messages.success(request, _("The conversation is passed to %(agency)s.") % {"agency": agency})
                return redirect("kb:chat_queue")
            if action == "take":
                services.take_conversation(conversation, operator=request.user)
            elif action == "finish":
                services.finish_handover(conversation, operator=request.user)
                messages.success(request, _("The conversation is finished."))
                return redirect("kb:chat_queue")
            else:
                services.operator_reply(conversation, request.POST.get("text", ""), operator=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect("kb:chat_operator", pk=conversation.pk)
    # What a client wrote may hold personal data: every staff read is audited.
    audit.record(request.user, "knowledge.chat_read", conversation, conversation=str(conversation.pk))
    conversation.refresh_from_db()
    return render(
        request,
        "knowledge/chat_operator.html",
        {
            "conversation": conversation,
            "chat_messages": conversation.messages.all(),
            "error": error,
            "operator_view": True,
            "agencies": Agency.objects.filter(is_active=True) if coordinator else None,
        },
    )
