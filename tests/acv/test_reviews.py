"""The owner's review, the tribunal appeal and compensation, each on its statutory clock."""

import datetime
from decimal import Decimal

import pytest

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from assets_register.acv import workflow as acv_workflow
from assets_register.models import CompensationClaim, Review

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(list_place):
    entry = list_place(received_on=D(2024, 1, 8), decided_on=D(2024, 3, 1))
    entry.owner_notified_on = D(2024, 3, 4)
    entry.save()
    return entry


def test_the_owner_has_eight_weeks_to_ask_for_a_review(entry):
    assert entry.review_request_last_day == D(2024, 4, 28)
    Review(entry=entry, requested_on=D(2024, 4, 28)).full_clean()
    with pytest.raises(ValidationError, match="by 28 April 2024"):
        Review(entry=entry, requested_on=D(2024, 4, 29)).full_clean()


def test_review_decision_and_appeal_deadlines(entry):
    review = Review.objects.create(entry=entry, requested_on=D(2024, 4, 1))
    assert review.decision_due == D(2024, 5, 26)
    assert review.appeal_last_day is None
    review.outcome, review.decided_on, review.decision_sent_on = (
        "upheld",
        D(2024, 5, 20),
        D(2024, 5, 21),
    )
    review.full_clean()
    assert review.appeal_last_day == D(2024, 6, 18)  # 28 days after it was sent
    review.decided_on = None
    with pytest.raises(ValidationError, match="date of the review decision"):
        review.full_clean()


def test_compensation_claims_have_thirteen_weeks(entry):
    claim = CompensationClaim(
        entry=entry,
        loss_incurred_on=D(2024, 6, 1),
        received_on=D(2024, 8, 31),
        amount_claimed=Decimal("1200.00"),
    )
    assert claim.claim_last_day == D(2024, 8, 31)
    claim.full_clean()
    claim.received_on = D(2024, 9, 1)
    with pytest.raises(ValidationError, match="by 31 August 2024"):
        claim.full_clean()
    claim.reasons_sent_on = D(2024, 10, 1)
    assert claim.review_request_last_day == D(2024, 11, 25)


def test_the_list_entry_admin_holds_reviews_appeals_and_claims(client, entry):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    page = client.get(f"/admin/snippets/assets_register/listentry/edit/{entry.pk}/")
    html = page.content.decode()
    for prefix in ("reviews", "appeals", "compensation_claims"):
        assert f"{prefix}-TOTAL_FORMS" in html


def test_exempt_disposals_go_on_the_timeline_once_and_leave_the_listing(entry):
    from assets_register.models import EventKind, ExemptDisposal

    disposal = ExemptDisposal(entry=entry, disposed_on=D(2024, 9, 2), exemption="going_concern")
    disposal.full_clean()
    disposal.save()
    acv_workflow.apply_entry(entry)
    acv_workflow.apply_entry(entry)
    event = entry.asset.events.get(kind=EventKind.EXEMPT_DISPOSAL)
    assert event.note.startswith("A business sold as a going concern")
    entry.refresh_from_db()
    assert entry.is_listed_on(D(2024, 9, 3))
    with pytest.raises(ValidationError, match="Say which exemption"):
        ExemptDisposal(entry=entry, disposed_on=D(2024, 9, 2), exemption="other").full_clean()


def test_review_and_appeal_deadlines_are_in_the_calendar(entry):
    from assets_register.acv.lists import deadlines

    summaries = {item[2]: item[1] for item in deadlines(D(2024, 3, 10), asset=entry.asset)}
    assert summaries[f"Last day for the owner to ask for a review: {entry.asset.name}"] == D(
        2024, 4, 28
    )
    review = Review.objects.create(entry=entry, requested_on=D(2024, 4, 1))
    summaries = {item[2]: item[1] for item in deadlines(D(2024, 4, 2), asset=entry.asset)}
    assert summaries[f"Review decision due: {entry.asset.name}"] == D(2024, 5, 26)
    review.outcome, review.decided_on, review.decision_sent_on = (
        "upheld",
        D(2024, 5, 20),
        D(2024, 5, 21),
    )
    review.save()
    summaries = {item[2]: item[1] for item in deadlines(D(2024, 5, 22), asset=entry.asset)}
    assert summaries[f"Last day to appeal to the tribunal: {entry.asset.name}"] == D(2024, 6, 18)


def entry_form(entry, reviews=(), **fields):
    """The list entry's admin form as an officer submits it, with review rows."""
    data = {
        "reference": entry.reference,
        "listed_on": entry.listed_on.isoformat(),
        "council": entry.council_id,
        "asset": entry.asset_id,
        "nominated_by": entry.nominated_by,
        "recorded_on": entry.recorded_on.isoformat() if entry.recorded_on else "",
        "owner_notified_on": "",
        "occupiers_notified_on": "",
        "restriction_requested_on": "",
        "removed_on": "",
        "removal_reason": "",
        "removal_note": "",
    }
    for prefix, rows in (
        ("reviews", reviews),
        ("appeals", ()),
        ("compensation_claims", ()),
        ("exempt_disposals", ()),
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
            data.update(
                {
                    f"{prefix}-{i}-id": "",
                    f"{prefix}-{i}-DELETE": "",
                    f"{prefix}-{i}-ORDER": str(i + 1),
                }
            )
    data.update(fields)
    return data


def test_the_admin_refuses_a_review_asked_for_too_late(client, entry):
    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    url = f"/admin/snippets/assets_register/listentry/edit/{entry.pk}/"
    late = {
        "requested_on": "2024-04-29",
        "outcome": "pending",
        "decided_on": "",
        "decision_sent_on": "",
    }
    # The notice date typed in the same form is the one the review is checked against.
    page = client.post(url, entry_form(entry, [late], owner_notified_on="2024-03-04"))
    assert page.status_code == 200
    assert "The owner had to ask for a review by 28 April 2024" in page.content.decode()
    assert not Review.objects.exists()
    in_time = dict(late, requested_on="2024-04-28")
    response = client.post(
        url,
        entry_form(
            entry, [in_time], owner_notified_on="2024-03-04", occupiers_notified_on="2024-03-05"
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.occupiers_notified_on == D(2024, 3, 5)
    assert entry.reviews.get().decision_due == D(2024, 6, 22)


def test_the_public_sees_a_review_or_appeal_in_progress(client, entry):
    from assets_register.models import Appeal

    Review.objects.create(entry=entry, requested_on=D(2024, 4, 1))
    list_page = client.get(f"/acv/{entry.council.gss_code}/").content.decode()
    asset_page = client.get(entry.asset.get_absolute_url()).content.decode()
    for page in (list_page, asset_page):
        assert (
            "The owner has asked the council to review the listing (request received "
            "1 April 2024). The council must decide by Sunday 26 May 2024"
        ) in page
    Review.objects.update(outcome="upheld", decided_on=D(2024, 5, 20))
    Appeal.objects.create(entry=entry, lodged_on=D(2024, 6, 10))
    page = client.get(entry.asset.get_absolute_url()).content.decode()
    assert "asked the council to review" not in page
    assert "appealed to the First-tier Tribunal (lodged 10 June 2024)" in page


def test_a_review_that_removes_the_place_ends_the_listing(client, entry):
    from assets_register.acv.lists import deadlines
    from assets_register.models import EventKind

    client.force_login(User.objects.create_superuser("admin", "a@example.org", "pw"))
    removed = {
        "requested_on": "2024-04-01",
        "outcome": "removed",
        "decided_on": "2024-05-20",
        "decision_sent_on": "2024-05-21",
    }
    url = f"/admin/snippets/assets_register/listentry/edit/{entry.pk}/"
    response = client.post(url, entry_form(entry, [removed], owner_notified_on="2024-03-04"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (D(2024, 5, 20), "review")
    assert entry.is_listed_on(D(2024, 5, 19)) and not entry.is_listed_on(D(2024, 5, 20))
    assert entry.asset.events.filter(kind=EventKind.ACV_REMOVED, date=D(2024, 5, 20)).exists()
    assert not deadlines(D(2024, 5, 22), asset=entry.asset)  # nothing left to count down
    assert entry.asset.name not in client.get(f"/acv/{entry.council.gss_code}/").content.decode()


def test_an_allowed_appeal_ends_the_listing_and_undoing_it_restores_it(entry):
    from assets_register.models import Appeal

    review = Review.objects.create(
        entry=entry, requested_on=D(2024, 4, 1), outcome="upheld", decided_on=D(2024, 5, 20)
    )
    appeal = Appeal(entry=entry, lodged_on=D(2024, 6, 10), outcome="allowed")
    with pytest.raises(ValidationError, match="date of the tribunal's decision"):
        appeal.full_clean()
    appeal.decided_on = D(2024, 11, 1)
    appeal.full_clean()
    appeal.save()
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (D(2024, 11, 1), "appeal")
    appeal.delete()  # entered against the wrong entry
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (None, "")
    assert review.entry.is_listed_on(D(2024, 11, 2))


def test_the_appeal_deadline_follows_the_tribunal_working_day_rule(entry):
    review = Review(entry=entry, requested_on=D(2024, 4, 1), decision_sent_on=D(2026, 11, 28))
    assert review.appeal_last_day == D(2026, 12, 29)  # not Saturday 26 December


def test_a_late_review_request_the_council_allowed_is_accepted(entry):
    late = Review(entry=entry, requested_on=D(2024, 5, 10))
    with pytest.raises(ValidationError, match="late request allowed"):
        late.full_clean()
    late.late_request_allowed = True
    late.full_clean()


def test_a_longer_decision_period_agreed_with_the_owner_is_not_overdue(entry):
    from assets_register.acv import lists as acv_lists

    review = Review.objects.create(entry=entry, requested_on=D(2024, 4, 1))
    assert [d.uid for d in acv_lists.overdue(D(2024, 6, 1))] == [f"review-{review.pk}"]
    review.decision_due_agreed = D(2024, 5, 1)  # earlier than the law's: refused
    with pytest.raises(ValidationError, match="by 26 May 2024 anyway"):
        review.full_clean()
    review.decision_due_agreed = D(2024, 7, 31)
    review.full_clean()
    review.save()
    assert review.decision_due == D(2024, 7, 31)
    assert acv_lists.overdue(D(2024, 6, 1)) == []
    (deadline,) = [d for d in acv_lists.deadlines(D(2024, 6, 1)) if d.uid.startswith("review-")]
    assert deadline.day == D(2024, 7, 31)
