"""The body's catalogue kept in the back office: types of control, informing materials, standard algorithms."""

from __future__ import annotations

from django.db import transaction

from ..models import ComplianceAlgorithm, ControlType, Material
from .incentives import validate_config


@transaction.atomic
def save_control_type(control_type: ControlType) -> ControlType:
    control_type.save()
    return control_type


@transaction.atomic
def set_incentives(control_type: ControlType, codes) -> ControlType:
    """The good-faith incentives the type's положение provides (248-ФЗ art. 48)."""
    control_type.incentives = validate_config([str(code) for code in codes])
    control_type.save(update_fields=["incentives"])
    return control_type


@transaction.atomic
def save_material(material: Material) -> Material:
    material.save()
    return material


@transaction.atomic
def publish_material(
    control_type: ControlType, *, title: str, body: str, requirement=None, url: str = ""
) -> Material:
    return save_material(
        Material(control_type=control_type, requirement=requirement, title=title, body=body, url=url)
    )


@transaction.atomic
def delete_material(material: Material) -> None:
    material.delete()


@transaction.atomic
def save_compliance_algorithm(algorithm: ComplianceAlgorithm) -> ComplianceAlgorithm:
    algorithm.save()
    return algorithm


@transaction.atomic
def delete_algorithm(algorithm: ComplianceAlgorithm) -> None:
    algorithm.delete()


@transaction.atomic
def delete_control_type(control_type: ControlType) -> None:
    control_type.delete()
