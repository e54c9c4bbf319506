"""The back-office catalogue is written through services: incentives configured, materials published."""

import pytest
from django.core.exceptions import ValidationError

from clientcentric.supervision.models import IncentiveKind, Material
from clientcentric.supervision.services import catalogue


def test_the_incentives_a_type_provides_are_checked_codes(fire_type):
    catalogue.set_incentives(fire_type, [IncentiveKind.GOOD_FAITH_MARK, IncentiveKind.GOOD_FAITH_MARK])
    fire_type.refresh_from_db()
    assert fire_type.incentives == ["good_faith_mark"]
    with pytest.raises(ValidationError):
        catalogue.set_incentives(fire_type, ["no_such_incentive"])


def test_a_material_is_published_and_removed_through_the_catalogue(fire_type):
    material = catalogue.publish_material(fire_type, title="Памятка", body="Текст памятки.")
    assert Material.objects.filter(pk=material.pk, control_type=fire_type).exists()
    catalogue.delete_material(material)
    assert not Material.objects.filter(pk=material.pk).exists()
