"""The Community Right to Bid, step by step, with the statute's rules enforced."""

import datetime

import pytest

from django.core.exceptions import ValidationError

from assets_register.acv import workflow as acv_workflow
from assets_register.law.eligibility import BodyType
from assets_register.models import (
    AssetEvent,
    BidderRequest,
    DisposalNotice,
    EventKind,
    ListEntry,
    Nomination,
    Status,
)

from ..factories import AssetFactory, CouncilFactory, NominationFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def new_nomination(**fields):
    """A nomination as the public form hands it over: not saved yet."""
    return NominationFactory.build(council=CouncilFactory(), asset=AssetFactory(), **fields)


def test_a_nomination_gets_a_reference_a_decision_clock_and_a_timeline_event():
    nomination = acv_workflow.receive_nomination(new_nomination(received_on=D(2024, 3, 1)))
    assert nomination.reference == f"ACV-N-2024-{nomination.pk:05d}"
    assert nomination.decision_due == D(2024, 4, 25)  # 8 weeks beginning with receipt
    assert not nomination.is_overdue(D(2024, 4, 25)) and nomination.is_overdue(D(2024, 4, 26))
    assert not AssetEvent.objects.filter(asset=nomination.asset).exists()  # not accepted yet
    nomination.accepted_as_valid_on = D(2024, 3, 4)
    nomination.save()
    acv_workflow.publish_nomination(nomination)
    acv_workflow.publish_nomination(nomination)  # once only
    event = AssetEvent.objects.get(asset=nomination.asset)
    assert event.kind == EventKind.ACV_NOMINATED and "25 April 2024" in event.note


def test_an_ineligible_nominator_is_told_why():
    nomination = new_nomination(body_type=BodyType.UNINCORPORATED, members_on_roll=12)
    with pytest.raises(ValidationError) as error:
        acv_workflow.receive_nomination(nomination)
    assert "at least 21 members" in str(error.value.message_dict["body_type"])


def test_listing_lasts_five_years_and_leaves_the_list_by_itself(listed):
    assert listed.expires_on == D(2025, 12, 13)
    assert listed.is_listed_on(D(2025, 12, 13)) and not listed.is_listed_on(D(2025, 12, 14))
    assert listed.nomination.outcome == Nomination.Outcome.LISTED
    assert AssetEvent.objects.filter(asset=listed.asset, kind=EventKind.ACV_LISTED).exists()
    assert listed.asset.events.count() == 2  # both steps stay in the history


def test_an_unsuccessful_nomination_needs_written_reasons():
    nomination = acv_workflow.receive_nomination(new_nomination())
    with pytest.raises(ValidationError, match="written reasons"):
        acv_workflow.decide_nomination(nomination, listed=False, decided_on=D(2021, 2, 1))
    assert (
        acv_workflow.decide_nomination(
            nomination, listed=False, decided_on=D(2021, 2, 1), reasons="Ancillary use only."
        )
        is None
    )
    assert not ListEntry.objects.exists()
    assert nomination.asset.events.filter(kind=EventKind.ACV_NOT_LISTED).get().note == (
        "Ancillary use only."
    )


def test_the_worked_disposal_example(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    assert (notice.interim_last_day, notice.full_last_day, notice.protected_last_day) == (
        D(2021, 6, 10),
        D(2021, 10, 29),
        D(2022, 10, 29),
    )
    assert not notice.full_moratorium and notice.moratorium_last_day == D(2021, 6, 10)
    event = listed.asset.events.get(kind=EventKind.DISPOSAL_NOTICE)
    assert "until Thursday 10 June 2021" in event.note
    acv_workflow.record_bidder_request(
        notice,
        group_name="Friends of Flintham Spinney",
        group_type=BodyType.CHARITY,
        received_on=D(2021, 5, 7),
    )
    assert notice.full_moratorium and notice.moratorium_last_day == D(2021, 10, 29)


def test_no_bidder_request_outside_the_window_or_from_an_ineligible_body(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    with pytest.raises(ValidationError, match="by 10 June 2021"):
        acv_workflow.record_bidder_request(
            notice, group_name="Late", received_on=D(2021, 6, 11), group_type=BodyType.CHARITY
        )
    with pytest.raises(ValidationError, match="by 10 June 2021"):
        acv_workflow.record_bidder_request(
            notice, group_name="Early", group_type="charity", received_on=D(2021, 4, 29)
        )
    with pytest.raises(ValidationError, match="cannot own land"):
        acv_workflow.record_bidder_request(
            notice,
            group_name="Village group",
            group_type=BodyType.UNINCORPORATED,
            received_on=D(2021, 5, 1),
        )
    assert not notice.full_moratorium
    acv_workflow.record_bidder_request(
        notice, group_name="Last day", group_type="charity", received_on=D(2021, 6, 10)
    )
    assert notice.full_moratorium


def test_no_second_moratorium_inside_the_protected_period(listed):
    acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    with pytest.raises(ValidationError, match="until 29 October 2022"):
        acv_workflow.record_disposal_notice(listed, D(2022, 10, 29))
    assert acv_workflow.record_disposal_notice(listed, D(2022, 10, 30)).interim_last_day == D(
        2022, 12, 10
    )


def test_no_sale_to_another_buyer_during_a_moratorium(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    acv_workflow.record_bidder_request(
        notice, group_name="Friends", group_type="charity", received_on=D(2021, 5, 7)
    )
    with pytest.raises(ValidationError, match="from 30 October 2021"):
        acv_workflow.record_sale(notice, to_community=False, sold_on=D(2021, 10, 29))
    listed.refresh_from_db()
    assert listed.removed_on is None  # nothing half-written
    with pytest.raises(ValidationError, match="new disposal notice"):
        acv_workflow.record_sale(notice, to_community=False, sold_on=D(2022, 10, 30))
    acv_workflow.record_sale(notice, to_community=False, sold_on=D(2021, 10, 30), buyer="Pubco")
    listed.refresh_from_db()
    assert listed.removal_reason == "disposed" and not listed.is_listed_on(D(2021, 10, 30))


def test_a_community_group_may_buy_during_the_moratorium(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    acv_workflow.record_sale(
        notice,
        to_community=True,
        sold_on=D(2021, 5, 20),
        buyer="Robin Hood Community Pub Ltd",
        buyer_type=BodyType.COOPERATIVE,
    )
    asset = listed.asset
    asset.refresh_from_db()
    assert asset.status == Status.OPEN
    kinds = list(asset.timeline().values_list("kind", flat=True))
    assert EventKind.BOUGHT_BY_COMMUNITY in kinds and EventKind.ACV_REMOVED in kinds


def test_no_path_records_a_sale_the_moratorium_forbids(listed):
    """The issue's example: notice 31 Aug 2026, request 3 Sep, sale elsewhere 15 Sep."""
    unsaved = DisposalNotice(
        entry=listed, received_on=D(2026, 8, 31), outcome="sold_to_other", outcome_on=D(2026, 9, 15)
    )
    with pytest.raises(ValidationError, match="from 12 October 2026"):
        unsaved.full_clean()
    before = DisposalNotice(
        entry=listed, received_on=D(2021, 4, 30), outcome="sold_to_other", outcome_on=D(2021, 4, 1)
    )
    with pytest.raises(ValidationError, match="cannot be earlier"):
        before.full_clean()


def test_only_a_community_interest_group_may_buy_during_the_moratorium(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    with pytest.raises(ValidationError, match="only to a community interest group"):
        acv_workflow.record_sale(
            notice,
            to_community=True,
            sold_on=D(2021, 5, 20),
            buyer="The Darts Club",
            buyer_type=BodyType.UNINCORPORATED,
        )
    listed.refresh_from_db()
    assert listed.removed_on is None


def test_a_late_recorded_request_cannot_make_a_recorded_sale_unlawful(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    notice.outcome, notice.outcome_on = "sold_to_other", D(2021, 7, 1)  # after the interim
    notice.full_clean()
    notice.save()
    request = BidderRequest(
        notice=notice, group_name="Friends", group_type="charity", received_on=D(2021, 5, 7)
    )
    with pytest.raises(ValidationError, match="starts the full moratorium"):
        request.full_clean()


def test_a_place_is_on_the_list_once_at_a_time(listed):
    again = ListEntry(
        council=listed.council, asset=listed.asset, reference="A-CV-2", listed_on=D(2024, 1, 1)
    )
    with pytest.raises(ValidationError, match="until 13 December 2025"):
        again.full_clean()
    again.listed_on = D(2025, 12, 14)  # the day after the first listing expired
    again.full_clean()
    listed.removed_on, listed.removal_reason = D(2023, 6, 1), "no_longer_of_value"
    listed.save()
    again.listed_on = D(2023, 6, 1)
    again.full_clean()


def test_a_notice_to_sell_shows_for_sale_until_the_sale(client, listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    listed.asset.refresh_from_db()
    assert listed.asset.status == Status.FOR_SALE
    markers = client.get("/api/map/?bbox=-2,54,-1,55&zoom=18&status=for_sale").json()
    assert listed.asset.name in str(markers)
    acv_workflow.record_sale(notice, to_community=False, sold_on=D(2021, 6, 11), buyer="Pubco")
    listed.asset.refresh_from_db()
    assert listed.asset.status == Status.OPEN


def test_the_protected_period_is_the_notifying_owners_not_the_heirs(listed):
    """After an inheritance, the heir gives a notice of their own (and gets its moratorium),
    and cannot sell on the late owner's notice."""
    from assets_register.models import ExemptDisposal

    old = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))  # protected to 29 Oct 2022
    inherited = ExemptDisposal(
        entry=listed, disposed_on=D(2021, 8, 1), exemption="estate", new_owner="The heir"
    )
    inherited.full_clean()
    inherited.save()
    with pytest.raises(ValidationError, match="passed to a new owner"):
        acv_workflow.record_sale(old, to_community=False, sold_on=D(2021, 9, 1), buyer="Pubco")
    old.refresh_from_db()
    heirs = acv_workflow.record_disposal_notice(listed, D(2021, 9, 1))
    assert heirs.interim_last_day == D(2021, 10, 12)
    # Without a change of owner the old rule stands.
    with pytest.raises(ValidationError, match="no new moratorium"):
        acv_workflow.record_disposal_notice(listed, D(2022, 1, 4))


def test_an_exempt_disposal_cannot_slip_under_a_recorded_sale(listed):
    from assets_register.models import ExemptDisposal

    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    acv_workflow.record_sale(notice, to_community=False, sold_on=D(2021, 6, 20), buyer="Pubco")
    with pytest.raises(ValidationError, match="needed the new owner's own notice"):
        ExemptDisposal(entry=listed, disposed_on=D(2021, 5, 20), exemption="gift").full_clean()


def test_a_withdrawn_notice_is_on_the_timeline_and_ends_for_sale(listed):
    notice = acv_workflow.record_disposal_notice(listed, D(2021, 4, 30))
    notice.outcome = DisposalNotice.Outcome.WITHDRAWN
    with pytest.raises(ValidationError, match="date of the sale or withdrawal"):
        notice.full_clean()
    notice.outcome_on = D(2021, 5, 20)
    notice.full_clean()
    notice.save()
    acv_workflow.apply_notice(notice)
    acv_workflow.apply_notice(notice)
    assert (
        AssetEvent.objects.filter(asset=listed.asset, kind=EventKind.DISPOSAL_WITHDRAWN).count()
        == 1
    )
    listed.asset.refresh_from_db()
    assert listed.asset.status == Status.OPEN
