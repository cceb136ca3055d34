import pytest

from assets_register.models import DisposalNotice, ListEntry, Status

from . import factories

pytestmark = pytest.mark.django_db

EVERY_FACTORY = sorted(
    (
        getattr(factories, name)
        for name in dir(factories)
        if name.endswith("Factory") and name != "Factory"
    ),
    key=lambda factory_class: factory_class.__name__,
)


@pytest.mark.parametrize("factory_class", EVERY_FACTORY, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_saved_object(factory_class):
    obj = factory_class()
    obj.full_clean()
    assert obj.pk and type(obj).objects.filter(pk=obj.pk).exists()


def test_every_model_of_the_app_has_a_factory():
    from django.apps import apps

    built = {f._meta.model for f in EVERY_FACTORY}
    models = set(apps.get_app_config("assets_register").get_models())
    assert models - built == set()


def test_factories_compute_the_statutory_dates_the_models_own():
    notice = factories.BidderRequestFactory().notice
    assert isinstance(notice.entry, ListEntry) and isinstance(notice, DisposalNotice)
    assert notice.entry.expires_on.isoformat() == "2025-12-13"
    assert notice.interim_last_day.isoformat() == "2021-06-10"  # six weeks beginning 30 April
    event = factories.AssetEventFactory()
    event.asset.refresh_from_db()
    assert event.asset.status == Status.CLOSED
