"""A message after an action shows its level: a refusal is not drawn like a success."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.template.loader import render_to_string
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _page_with(*added):
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request._messages = FallbackStorage(request)
    for level, text in added:
        messages.add_message(request, level, text)
    return render_to_string("core/base.html", {"messages": messages.get_messages(request)}, request=request)


def test_each_message_carries_its_level_and_an_error_is_announced():
    html = _page_with((messages.SUCCESS, "Акт принят"), (messages.ERROR, "Не хватает элементов ст. 10"))

    assert '<li class="message message-success" role="status">Акт принят</li>' in html
    assert '<li class="message message-error" role="alert">Не хватает элементов ст. 10</li>' in html


@pytest.mark.parametrize(
    ("path", "brand"),
    [
        ("/", "«Государство для людей»"),
        ("/business/requirements/", "«Государство для бизнеса»"),
        ("/supervision/ombudsman/", "«Государство для бизнеса»"),
    ],
)
def test_the_header_names_the_standard_the_page_belongs_to(path, brand):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()

    html = render_to_string("core/base.html", {}, request=request)

    assert brand in html.split('class="brand"')[1].split("</a>")[0]
