"""The public quarter: figures per service and agency under the publication rules, frozen when published.

Rules (measurement.md §6.4): a cell with fewer than 10 answers shows nothing but the fact, with
complementary suppression inside each agency (whose total is published); under 30 answers, or an interval
wider than ±15 pp, the distribution and n are shown with «недостаточно данных» instead of the headline
share; distribution levels under 10 are hidden the same way. No comment text, no personal data.

A hidden count must also not follow from what is shown beside it: a row's total, share and mean, and an agency's
row, which is the sum of its services' rows. After the rules above, `_protect` audits each agency's table per
scale with `metrics.disclosure` and, while a hidden count can be solved for, drops that row's mean, hides a
second level on the same side of the share, hides the matching level of the agency's (or a service's) row, and
at last withholds the share.
"""

import hashlib
import json

from clientcentric.accounts.models import Agency
from clientcentric.engines import metrics
from clientcentric.engines.metrics.disclosure import Equation, recoverable
from clientcentric.registry.models import Service

from . import objective, selectors
from .instrument import SCALE_CODES, current_instrument
from .models import QuarterReport
from .selectors import SCALES

NO_SERVICE = 0


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def integrity_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _public_cell(figures: dict, hidden: bool) -> dict:
    if hidden:
        return {"status": "suppressed"}
    cell = {
        "status": "published",
        "n": figures["n"],
        "offered": figures["offered"],
        "response_rate": figures["response_rate"],
    }
    for code in SCALE_CODES:
        item = figures[code]
        distribution = {str(level): count for level, count in item["distribution"].items()}
        hidden_levels = metrics.suppress(distribution, groups=[list(distribution)])
        public_item = {
            "answered": item["answered"],
            "distribution": {
                level: (None if level in hidden_levels else count) for level, count in distribution.items()
            },
            "status": item["status"] if item["answered"] >= metrics.MIN_CELL else "suppressed",
        }
        if public_item["status"] == "published":
            public_item.update(
                positive=round(item["positive"], 4),
                low=round(item["low"], 4),
                high=round(item["high"], 4),
                mean=round(item["mean"], 3),
            )
        cell[code] = public_item
    cell["status"] = cell["satisfaction"]["status"]
    return cell


def _protect(members: list[dict], total: dict | None, remainder: bool) -> None:
    """Hide more of one agency's table until no hidden count follows from what it shows (see the docstring)."""
    rows = members + ([total] if total else [])
    for code, scale in SCALES.items():
        levels = range(scale.low, scale.high + 1)
        for row in rows:
            # A mean is one more equation in the levels: with all of them shown it adds nothing, with one hidden
            # it is how the hidden ones are solved for.
            item = row.get(code)
            if item is not None and None in item["distribution"].values():
                item.pop("mean", None)
        for _round in range(4 * len(rows) * len(levels)):
            found = recoverable(*_published_equations(rows, total, remainder, code, levels, scale))
            # Answers without a service are never published: their being solvable discloses nothing.
            exposed = sorted(cell for cell in found if cell[0] != "remainder")
            if not exposed or not _hide_more(rows, total, code, scale, *exposed[0]):
                break


def _published_equations(rows, total, remainder, code, levels, scale):
    """The equations a reader can write from the shown figures of one scale (cells are (row index, level))."""
    equations, known, hidden = [], {}, []
    for index, row in enumerate(rows):
        item = row.get(code)
        if item is None:  # a suppressed row shows no figure at all
            hidden += [(index, level) for level in levels]
            continue
        answered = item["answered"]
        for level in levels:
            count = item["distribution"].get(str(level))
            if count is None:
                hidden.append((index, level))
            else:
                known[(index, level)] = count
        equations.append(Equation.exact([((index, level), 1) for level in levels], answered))
        if "positive" in item:
            band = [((index, level), 1) for level in levels if level >= scale.positive_from]
            equations.append(Equation.rounded(band, item["positive"] * answered, 0.00005 * answered))
        if "mean" in item:
            weighted = [((index, level), level) for level in levels]
            equations.append(Equation.rounded(weighted, item["mean"] * answered, 0.0005 * answered))
    if total is not None:
        # The agency's row sums its services' rows (and, when there are any, answers without a service).
        last = len(rows) - 1
        for level in levels:
            terms = [((last, level), 1)] + [((index, level), -1) for index in range(last)]
            if remainder:
                terms.append((("remainder", level), -1))
                hidden.append(("remainder", level))
            equations.append(Equation.exact(terms, 0))
    return equations, known, hidden


def _hide_more(rows, total, code, scale, index, level) -> bool:
    """One more step of protection for an exposed cell; False when nothing is left to hide."""
    row = rows[index]
    item = row.get(code)
    if item is not None and "mean" in item:
        del item["mean"]
        return True
    side = level >= scale.positive_from
    if item is not None:
        mates = [
            (count, int(other))
            for other, count in item["distribution"].items()
            # A hidden zero would only be solved back to zero: hide answers, not empty levels.
            if count and int(other) != level and (int(other) >= scale.positive_from) == side
        ]
        if mates:
            item["distribution"][str(min(mates)[1])] = None
            return True
    # Across rows: the agency's row is the sum of its services' rows.
    last = len(rows) - 1 if total is not None else None
    partners = [last] if index != last and last is not None else [i for i in range(len(rows)) if i != index]
    candidates = [
        (rows[i][code]["distribution"][str(level)], i)
        for i in partners
        if i is not None and rows[i].get(code) and rows[i][code]["distribution"].get(str(level))
    ]
    if candidates:
        rows[min(candidates)[1]][code]["distribution"][str(level)] = None
        return True
    if item is not None and "positive" in item:
        for field in ("positive", "low", "high"):
            item.pop(field, None)
        item["status"] = "insufficient"
        if code == "satisfaction" and row["status"] == "published":
            row["status"] = "insufficient"
        return True
    return False


def _public_share(share: metrics.Share | None) -> dict:
    """An objective share (one click, 5 minutes) under the same rules as a rating: n < 10 hidden, n < 30 or
    an interval wider than ±15 pp «недостаточно данных». Only services carry these, so no total reveals
    a hidden one."""
    if share is None or not share.n:
        return {"status": "none", "n": 0}
    status = metrics.verdict(share.count, share.n).status
    if status == "suppressed":
        return {"status": status}
    item = {"status": status, "n": share.n}
    if status == "published":
        item.update(
            share=round(share.interval.estimate, 4),
            low=round(share.interval.low, 4),
            high=round(share.interval.high, 4),
        )
    return item


def build(quarter: str) -> dict:
    """The figures of a quarter as they would be published; reads only the pre-aggregated counts."""
    months = selectors.quarter_months(quarter)
    instrument = current_instrument()
    by_service = selectors.cells(months, ("agency_id", "service_id"), instrument=instrument)
    by_agency = selectors.cells(months, ("agency_id",), instrument=instrument)
    services = Service.objects.in_bulk([s for _a, s in by_service if s])
    agencies = Agency.objects.in_bulk([a for (a,) in by_agency if a])

    counts = {key: cell["answered"] for key, cell in by_service.items()}
    groups, unpublished = {}, set()
    for agency_id, service_id in by_service:
        groups.setdefault(agency_id, []).append((agency_id, service_id))
        if not service_id or service_id not in services:
            unpublished.add((agency_id, service_id))  # appeals, calls, office visits without a service
    hidden = metrics.suppress(counts, groups.values(), unpublished=unpublished)
    hidden_agencies = metrics.suppress({key: cell["answered"] for key, cell in by_agency.items()})
    efforts = objective.effort_by(("service_id",), months)

    service_rows, published_keys = [], []
    for key in sorted(by_service, key=lambda k: services[k[1]].name if k[1] in services else ""):
        agency_id, service_id = key
        if key in unpublished:
            continue
        service = services[service_id]
        row = {
            "code": service.code,
            "name": service.name,
            "agency": agencies[agency_id].code if agency_id in agencies else "",
        }
        row.update(_public_cell(selectors.figures(by_service[key]), key in hidden))
        if key not in hidden:  # a hidden row shows nothing at all, not even what was measured
            effort = efforts.get((service_id,))
            row["one_click"] = _public_share(effort.one_click if effort else None)
            row["five_minutes"] = _public_share(effort.five_minutes if effort else None)
        service_rows.append(row)
        published_keys.append(key)
    agency_rows = []
    for key in sorted(by_agency, key=lambda k: agencies[k[0]].name if k[0] in agencies else ""):
        if key[0] not in agencies:
            continue
        agency = agencies[key[0]]
        row = {"code": agency.code, "name": agency.name}
        row.update(_public_cell(selectors.figures(by_agency[key]), key in hidden_agencies))
        agency_rows.append(row)
    for agency_id, agency in agencies.items():
        members = [row for key, row in zip(published_keys, service_rows, strict=True) if key[0] == agency_id]
        total = next((row for row in agency_rows if row["code"] == agency.code), None)
        remainder = any(key[0] == agency_id and key in unpublished for key in by_service)
        _protect(members, total, remainder)
    return {
        "quarter": quarter,
        "instrument": instrument.version,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "scale_min": q.scale_min,
                "scale_max": q.scale_max,
                "positive_from": q.positive_from,
                "options": q.options,
            }
            for q in instrument.questions.all()
        ],
        "rules": {
            "min_cell": metrics.MIN_CELL,
            "min_publishable": metrics.MIN_PUBLISHABLE,
            "max_half_width": metrics.MAX_HALF_WIDTH,
            "confidence": 0.95,
        },
        "services": service_rows,
        "agencies": agency_rows,
    }


def verify(report: QuarterReport) -> bool:
    return integrity_hash(report.payload) == report.integrity_hash


DICTIONARY = [
    ("level", "service or agency"),
    ("code", "code of the service or agency in the registry"),
    ("name", "its name"),
    ("agency", "code of the agency providing the service"),
    (
        "status",
        "published; insufficient (fewer than 30 answers or interval wider than ±15 pp: no share); suppressed (fewer than 10 answers, or hidden so a hidden cell cannot be recovered)",
    ),
    ("n", "answers to the instrument (invited, QR and voice menu; unprompted widget ratings excluded)"),
    ("offered", "invitations sent (QR answers have none)"),
    ("response_rate", "answers to invitations ÷ invitations"),
    ("satisfaction_positive", "share answering 4–5 on 1–5 (CSAT top-2 box)"),
    ("satisfaction_low", "Wilson 95 % interval, lower end"),
    ("satisfaction_high", "Wilson 95 % interval, upper end"),
    (
        "satisfaction_mean",
        "mean on 1–5; empty where a level is hidden (with the others it would give the hidden ones back)",
    ),
    ("satisfaction_1 … satisfaction_5", "answers per level; empty where fewer than 10 (suppressed)"),
    ("effort_positive", "share answering 5–7 on 1–7 (CES: easy)"),
    ("effort_mean", "mean on 1–7 (CES 2.0)"),
    ("trust_positive", "share answering 4–5 on 1–5"),
    ("trust_mean", "mean on 1–5"),
    (
        "one_click_share, one_click_low, one_click_high, one_click_n",
        "services only: share of the service's requests sent in one click (nothing typed, one step), Wilson 95 % interval, number of requests; same suppression rules",
    ),
    (
        "five_minutes_share, five_minutes_low, five_minutes_high, five_minutes_n",
        "services only: share of timed requests sent within 5 minutes of opening the form, Wilson 95 % interval, number of timed requests",
    ),
]


def csv_rows(payload: dict) -> tuple[list[str], list[list]]:
    headers = [
        "quarter",
        "instrument",
        "level",
        "code",
        "name",
        "agency",
        "status",
        "n",
        "offered",
        "response_rate",
    ]
    for code in SCALE_CODES:
        headers += [f"{code}_positive", f"{code}_low", f"{code}_high", f"{code}_mean"]
    headers += [f"satisfaction_{level}" for level in range(1, 6)]
    for measure in ("one_click", "five_minutes"):
        headers += [f"{measure}_share", f"{measure}_low", f"{measure}_high", f"{measure}_n"]
    rows = []
    for level, items in (("service", payload["services"]), ("agency", payload["agencies"])):
        for item in items:
            row = [
                payload["quarter"],
                payload["instrument"],
                level,
                item["code"],
                item["name"],
                item.get("agency", ""),
                item["status"],
            ]
            row += [item.get("n"), item.get("offered"), item.get("response_rate")]
            for code in SCALE_CODES:
                scale = item.get(code, {})
                row += [scale.get("positive"), scale.get("low"), scale.get("high"), scale.get("mean")]
            distribution = item.get("satisfaction", {}).get("distribution", {})
            row += [distribution.get(str(level)) for level in range(1, 6)]
            for measure in ("one_click", "five_minutes"):
                share = item.get(measure, {})
                row += [share.get("share"), share.get("low"), share.get("high"), share.get("n")]
            rows.append(row)
    return headers, rows
