"""The confirmation page that ends a submission: what was done, its number, what happens next and by when.

A view that has just written what the person sent calls :func:`confirm` instead of flashing a one-line message;
the page (``/done/``, GOV.UK's confirmation pattern in the site's style) shows the last confirmation of this
browser's session. Only what the page shows is kept in the session: a title, a number, plain sentences and links.
"""

from dataclasses import asdict, dataclass, field

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import public

SESSION_KEY = "core.confirmation"
BUSINESS_PATHS = ("/business/", "/supervision/")


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Confirmation:
    title: str
    reference: str = ""
    reference_label: str = ""
    # Sentences in the order things will happen; the first says who does what, one says by when.
    next_steps: tuple[str, ...] = ()
    links: tuple[Link, ...] = field(default_factory=tuple)


def confirm(request, confirmation: Confirmation):
    """Keep the confirmation for this session and send the browser to it (POST → redirect → GET)."""
    data = asdict(confirmation)
    data["title"] = str(data["title"])
    data["reference_label"] = str(data["reference_label"])
    data["next_steps"] = [str(step) for step in confirmation.next_steps]
    data["links"] = [{"text": str(link.text), "url": link.url} for link in confirmation.links]
    # The page keeps the header of the part of the site the person was in («Государство для бизнеса»).
    data["business"] = request.path.startswith(BUSINESS_PATHS)
    request.session[SESSION_KEY] = data
    return redirect("confirmation")


@public
@require_GET
def confirmation_page(request):
    data = request.session.get(SESSION_KEY)
    if not data:
        # Nothing was sent from this browser (or the session ended): nothing to confirm.
        return redirect("/")
    return render(
        request, "core/confirmation.html", {"confirmation": data, "business_section": data.get("business")}
    )
