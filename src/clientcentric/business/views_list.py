"""The business owner's personal list page: what applies and why, filtered, searched, grouped and paged."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from clientcentric.accounts.roles import Role
from clientcentric.core.access import require_roles

from . import home_sections, list_selectors, selectors


@require_roles(Role.BUSINESS_REPRESENTATIVE)
@require_GET
def home(request):
    profile = selectors.profile_for(request.user)
    if profile is None:
        return redirect("business:profile")
    result = selectors.personal_list(profile)
    items = list_selectors.items_of(result, profile.hourly_rate)
    query = {
        "status": request.GET.get("status", "")
        if request.GET.get("status") in list_selectors.STATUSES
        else "",
        "act": request.GET.get("act", "") if request.GET.get("act", "").isdigit() else "",
        "risk": request.GET.get("risk", "") if request.GET.get("risk") in list_selectors.RISKS else "",
        "q": request.GET.get("q", "").strip()[:200],
    }
    chosen = list_selectors.ordered(list_selectors.filtered(items, **query))
    page = list_selectors.page_of(chosen, request.GET.get("page"))
    filtering = any(query.values())
    keep = urlencode({k: v for k, v in query.items() if v})
    acts = {i.entry.act.pk: i.entry.act for i in items}
    return render(
        request,
        "business/list.html",
        {
            "profile": profile,
            "sections": home_sections.render_context(request, profile),
            "list": result,
            "cost": selectors.cost_report(profile, result.applies),
            "top": [] if filtering else list_selectors.top(items),
            "page": page,
            "groups": list_selectors.grouped(list(page.object_list)),
            "found": len(chosen),
            "query": query,
            "keep": keep,
            "acts": sorted(acts.values(), key=lambda a: a.title),
            "counts": {
                "applies": sum(1 for i in items if i.entry.status == "applies"),
                "unknown": sum(1 for i in items if i.entry.status == "unknown"),
                "recommendation": sum(1 for i in items if i.recommendation),
            },
        },
    )
