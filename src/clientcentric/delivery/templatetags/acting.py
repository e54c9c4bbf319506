"""`{% acting_client as client %}`: whom the signed-in person is acting for on this page (None for themselves)."""

from django import template

from clientcentric.accounts import acting
from clientcentric.accounts import selectors as representation
from clientcentric.accounts.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_client(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not acting.is_acting(request):
        return None
    client = User.objects.filter(pk=acting.acting_for_id(request)).first()
    if client is None or not representation.acts_for(request.user, client=client):
        return None
    return client
