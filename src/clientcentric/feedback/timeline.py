"""The client's ratings in their personal timeline (delivery's /me/scenario/): feedback sits above delivery in the
app layers, so it adds its entries through delivery's source registry instead of delivery reading its tables."""

from django.utils.translation import gettext as _

from clientcentric.delivery.selectors.scenario import Entry, register_source

from .models import Response


def ratings(client, limit: int) -> list[Entry]:
    rows = (
        Response.objects.filter(person=client)
        .select_related("service")
        .prefetch_related("answers__question")
        .order_by("-submitted_at")[:limit]
    )
    entries = []
    for response in rows:
        scores = [
            f"{a.value}/{a.question.scale_max}"
            for a in response.answers.all()
            if a.value is not None and a.question.scale_max
        ]
        about = response.service.name if response.service_id else response.get_end_point_display()
        entries.append(
            Entry(
                response.submitted_at,
                "rating",
                _("Rating given: %(about)s") % {"about": about},
                channel=response.get_source_display(),
                detail=", ".join(scores[:1]),
            )
        )
    return entries


register_source(ratings)
