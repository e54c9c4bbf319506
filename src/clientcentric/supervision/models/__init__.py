"""Risk-based supervision (248-ФЗ): types of control as data, risk profiles, prevention, control events.

The numbers the law leaves to each type of control (deadlines, validity, categories) are fields of
`ControlType` with the defaults the specification gives (KND-6, KND-7, KND-10); the risk categories and
criteria come from the type's risk-model YAML, read by `clientcentric.engines.risk`.
"""

from .annual import PracticeSummary, PreventionProgramme, PublicationStatus
from .control_types import USER, ControlType
from .events import (
    HISTORY_ACTIONS,
    PREVENTIVE_KINDS,
    WITHOUT_INTERACTION,
    ComplianceOrder,
    ControlEvent,
    EventCheck,
    EventDocument,
    EventHistory,
    EventKind,
    EventStatus,
    OmbudsmanRequest,
    PretrialAppeal,
    RescheduleRequest,
)
from .incentives import LOWERING_INCENTIVES, Incentive, IncentiveKind
from .prevention import (
    ComplianceAlgorithm,
    ComplianceDeclaration,
    Consultation,
    Material,
    Objection,
    PreventiveWarning,
    SelfExamination,
)
from .risk import AppealLink, Decision, FactCorrection, RiskProfile, SupervisionTask, TaskKind

__all__ = [
    "AppealLink",
    "ComplianceAlgorithm",
    "ComplianceDeclaration",
    "ComplianceOrder",
    "Consultation",
    "ControlEvent",
    "ControlType",
    "Decision",
    "EventCheck",
    "EventDocument",
    "EventHistory",
    "EventKind",
    "EventStatus",
    "FactCorrection",
    "HISTORY_ACTIONS",
    "Incentive",
    "IncentiveKind",
    "LOWERING_INCENTIVES",
    "Material",
    "Objection",
    "OmbudsmanRequest",
    "PREVENTIVE_KINDS",
    "PracticeSummary",
    "PretrialAppeal",
    "PreventionProgramme",
    "PreventiveWarning",
    "PublicationStatus",
    "RescheduleRequest",
    "RiskProfile",
    "SelfExamination",
    "SupervisionTask",
    "TaskKind",
    "USER",
    "WITHOUT_INTERACTION",
]
