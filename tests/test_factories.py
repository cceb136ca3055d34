import pytest

from assets_register.models import Status

from .factories import (
    AreaFactory,
    AssetEventFactory,
    AssetFactory,
    NominationFactory,
    PostcodeLocationFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_each_factory_builds_a_valid_saved_object():
    area = AreaFactory()
    asset = AssetFactory()
    event = AssetEventFactory()
    postcode = PostcodeLocationFactory()
    nomination = NominationFactory()
    subscription = SubscriptionFactory(area=area)
    for obj in (area, asset, event, postcode, nomination, subscription):
        obj.full_clean()
        assert obj.pk
    event.asset.refresh_from_db()
    assert event.asset.status == Status.CLOSED
