"""A record saved from an older copy is refused, whichever path saves it."""

import datetime

import pytest

from assets_register.acv import workflow as acv_workflow
from assets_register.core.optimistic_locking import StaleEdit
from assets_register.models import EventKind, ListEntry, Nomination

from ..factories import NominationFactory

pytestmark = pytest.mark.django_db


def test_of_two_copies_of_a_record_only_the_first_saved_is_written():
    nomination = NominationFactory(received_on=datetime.date(2024, 3, 1))
    first, second = (Nomination.objects.get(pk=nomination.pk) for _ in range(2))
    first.council_reference = "ACV/24/1"
    first.save()
    second.council_reference = "ACV/24/2"
    with pytest.raises(StaleEdit, match="This nomination was changed after you opened it"):
        second.save()
    nomination.refresh_from_db()
    assert (nomination.council_reference, nomination.version) == ("ACV/24/1", 1)
    second.refresh_from_db()  # read again, it saves
    second.council_reference = "ACV/24/2"
    second.save()
    second.save(update_fields=["council_reference"])
    assert Nomination.objects.get(pk=nomination.pk).version == 3


def test_a_decision_made_on_an_older_copy_writes_nothing():
    nomination = NominationFactory(received_on=datetime.date(2024, 3, 1))
    stale = Nomination.objects.get(pk=nomination.pk)
    acv_workflow.decide_nomination(
        Nomination.objects.get(pk=nomination.pk),
        listed=False,
        decided_on=datetime.date(2024, 4, 1),
        reasons="Ancillary use only.",
    )
    with pytest.raises(StaleEdit):
        acv_workflow.decide_nomination(stale, listed=True, decided_on=datetime.date(2024, 4, 2))
    assert not ListEntry.objects.exists()
    assert Nomination.objects.get(pk=nomination.pk).outcome == "unsuccessful"
    # Published on its decision: the nomination, then the refusal; nothing of the listing.
    kinds = set(nomination.asset.events.values_list("kind", flat=True))
    assert kinds == {EventKind.ACV_NOMINATED, EventKind.ACV_NOT_LISTED}
