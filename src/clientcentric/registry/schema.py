"""The registry's tabular schema: one sheet per entity, columns in a stable order.

This is the contract of import, export and open data (docs/open-data.md). Add columns at the end;
never rename or remove one without raising SCHEMA_VERSION.
"""

from dataclasses import dataclass, field

from clientcentric.accounts.models import Agency

from .models import Audience, EffortClass, NeedStatus, ServiceKind

SCHEMA_VERSION = 1
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | int | bool | choice | ref | refs
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str = ""  # the sheet (or "touchpoints") a ref/refs column points to
    default: str = ""
    # Russian names of the choices, in the order of `choices`: shown beside the codes on the import page and in
    # its errors, so a methodologist need not guess what «support_measure» means.
    labels: tuple = field(default=(), compare=False)

    @property
    def allowed(self) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in zip(self.choices, self.labels, strict=False)]


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: str = "code"
    title: str = field(default="", compare=False)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _choices(enum) -> tuple[str, ...]:
    return tuple(enum.values)


def _labels(enum) -> tuple:
    return tuple(enum.labels)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "agencies",
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("short_name"),
            Column("level", "choice", True, _choices(Agency.Level), labels=_labels(Agency.Level)),
            Column("kind", "choice", True, _choices(Agency.Kind), labels=_labels(Agency.Kind)),
            Column("parent", "ref", ref="agencies"),
        ),
    ),
    Sheet(
        "life_situations",
        (
            Column("code", required=True),
            Column("name", required=True),
            Column(
                "audience",
                "choice",
                False,
                _choices(Audience),
                labels=_labels(Audience),
                default=Audience.CITIZEN,
            ),
            Column("description"),
            Column("sort_order", "int", default="0"),
        ),
    ),
    Sheet(
        "segments",
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("is_potential", "bool", default="false"),
            Column("description"),
            Column("life_situations", "refs", ref="life_situations"),
        ),
    ),
    Sheet(
        "faq",
        (
            Column("code", required=True),
            Column("question", required=True),
            Column("answer", required=True),
            Column("topic"),
        ),
    ),
    Sheet(
        "services",
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("kind", "choice", True, _choices(ServiceKind), labels=_labels(ServiceKind)),
            Column("agency", "ref", True, ref="agencies"),
            Column("touchpoints", "refs", True, ref="touchpoints"),
            Column("effort_class", "choice", True, _choices(EffortClass), labels=_labels(EffortClass)),
            Column("description"),
            Column("legal_basis"),
            Column("eligibility"),
            Column("documents"),
            Column("cost"),
            Column("duration"),
            Column("apply_url"),
            Column("address"),
            Column("hours"),
            Column("phone"),
            Column("email"),
        ),
    ),
    Sheet(
        "needs",
        (
            Column("code", required=True),
            Column("name", required=True),
            Column("description"),
            Column("status", "choice", True, _choices(NeedStatus), labels=_labels(NeedStatus)),
            Column("status_reason"),
            Column("faq", "ref", ref="faq"),
            Column("life_situations", "refs", True, ref="life_situations"),
            Column("segments", "refs", ref="segments"),
            Column("services", "refs", ref="services"),
        ),
    ),
    Sheet(
        "expectations",
        (
            Column("need", "ref", True, ref="needs"),
            Column("position", "int", True),
            Column("text", required=True),
        ),
        key="",
    ),
)

SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
