""" "Acting for" a client (DEF-2: a client acts directly or through a representative).

A representative (a parent for a child, a guardian, a holder of a power of attorney) switches to acting for the
person they represent; until they switch back, every page a client uses works on that person's records, and every
service is told who really acted (`actor`) apart from whose record it is (`client`). The power's dates are checked
on every request, not only when switching: a power that expired while the representative was acting stops at once.

Powers (DEL-2): each page or API operation names the power it needs (`client_of(request, Power.APPLY)`); a
representative acting for someone whose power of attorney does not list it is refused with MissingPower, whose
message says in Russian which power is missing. Parents, guardians and heads of organisations hold all by law.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import selectors
from .models import Power, User


class MissingPower(PermissionDenied):
    """Acting for a client without the power this action needs; `user_message` is shown on the 403 page."""

    def __init__(self, client, power: str):
        self.client = client
        self.power = power
        self.user_message = _(
            "Your power of attorney for %(client)s does not include the power «%(power)s». "
            "To do this, %(client)s can extend the power of attorney at the agency's office, or do it themselves."
        ) % {"client": client.full_name, "power": Power(power).label}
        # Where the person goes from the refusal: their powers, and the switch back to acting for themselves.
        self.user_link = ("/me/acting/", _("My powers: whom I act for and what I may do"))
        super().__init__(self.user_message)


SESSION_KEY = "acting_for_client"


def represented_clients(person, on=None):
    """The clients `person` may act for on `on` (today by default), by name."""
    ids = selectors.in_force(person, on).filter(client__isnull=False).values("client_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk")


def acting_for_id(request) -> int | None:
    session = getattr(request, "session", None)
    return None if session is None else session.get(SESSION_KEY)


def client_of(request, power: str | None = None):
    """Whose records this request works on: the signed-in person, or the client they are acting for.

    PermissionDenied (and the switch undone) when the representation is no longer in force; MissingPower when it
    does not hold `power`."""
    user = request.user
    client_id = acting_for_id(request)
    if client_id is None or not user.is_authenticated or client_id == user.pk:
        return user
    client = User.objects.filter(pk=client_id).first()
    if client is None or not selectors.acts_for(user, client=client):
        request.session.pop(SESSION_KEY, None)
        raise PermissionDenied("the representation is not in force")
    require_power(user, client, power)
    return client


def require_power(person, client, power: str | None) -> None:
    """MissingPower unless `person` holds `power` for `client` today (nothing to check for oneself or no power)."""
    if power is None or client.pk == person.pk:
        return
    if not selectors.acts_for(person, client=client, power=power):
        raise MissingPower(client, power)


def is_acting(request) -> bool:
    client_id = acting_for_id(request)
    return client_id is not None and client_id != getattr(request.user, "pk", None)
