"""Statutory notices as records the product makes (ss.90-92, s.97, Reg 2): one per
recipient when a decision takes effect, emailed where an address is known, printable for
post, and their sent dates are what start the owner's review and appeal clocks."""

import datetime

import pytest

from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from assets_register.acv import notices
from assets_register.acv import workflow as acv_workflow
from assets_register.acv.tasks import send_statutory_notices
from assets_register.law.eligibility import BodyType
from assets_register.models import (
    Clock,
    CouncilStaff,
    NoticeKind,
    RecipientRole,
    Review,
    SentBy,
    StatutoryNotice,
    period_words,
)

from ..factories import AssetFactory, CouncilFactory, NominationFactory

D = datetime.date
pytestmark = pytest.mark.django_db
NOTICES = "/admin/snippets/assets_register/statutorynotice/"
OWNERS = "Olive Owner, 9 Private Lane, Durham DH1 9ZZ"


@pytest.fixture
def durham():
    return CouncilFactory(name="County Durham", gss_code="E06000047")


@pytest.fixture
def entry(durham, list_place, django_capture_on_commit_callbacks):
    """The Robin Hood, nominated by its friends and listed on 1 March 2024, the way an
    officer does it (the workflow), with what happens after the commit run."""
    with django_capture_on_commit_callbacks(execute=True):
        return list_place(
            durham,
            AssetFactory(
                name="The Robin Hood", address="1 Front Street", postcode="DH7 6LQ", council=durham
            ),
            received_on=D(2024, 1, 8),
            decided_on=D(2024, 3, 1),
            owners=OWNERS,
            occupants="Oscar Occupier",
            contact_name="Jo Bloggs",
            contact_email="friends@robinhood.example",
        )


def officer_of(client, council):
    user = User.objects.create_user(f"officer-{council.pk}", "officer@council.example", "pw")
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "view_statutorynotice", "change_statutorynotice"]
        )
    )
    CouncilStaff.objects.create(user=user, council=council)
    client.force_login(user)
    return user


def notice_to(role, kind=NoticeKind.LISTING):
    return StatutoryNotice.objects.get(kind=kind, recipient_role=role)


def test_a_listing_makes_notices_to_owner_occupier_and_nominator_once(entry, durham):
    listing = StatutoryNotice.objects.filter(kind=NoticeKind.LISTING, list_entry=entry)
    assert {n.recipient_role for n in listing} == {"owner", "occupier", "nominator"}
    assert all(n.council == durham for n in listing)
    owner, occupier = notice_to(RecipientRole.OWNER), notice_to(RecipientRole.OCCUPIER)
    assert OWNERS in owner.recipient_address  # for the officer to complete
    assert occupier.recipient_name == "Oscar Occupier"
    assert occupier.recipient_address == "1 Front Street\nDH7 6LQ"  # the place itself
    assert notice_to(RecipientRole.NOMINATOR).recipient_email == "friends@robinhood.example"
    # Running the workflow again, as saving in the admin does, makes none twice.
    acv_workflow.apply_decision(entry.nomination)
    acv_workflow.apply_entry(entry)
    assert StatutoryNotice.objects.count() == 3


def test_the_nominator_is_emailed_once_and_the_day_it_went_is_logged(entry):
    [message] = mail.outbox
    assert message.to == ["friends@robinhood.example"]
    reference = entry.nomination.reference
    assert message.subject.startswith(f"Decision on your nomination {reference}: The Robin Hood")
    assert "stays on the list until 28 February 2029" in message.body
    assert f"{period_words(Clock.INTERIM_MORATORIUM)} to ask" in message.body
    nominator = notice_to(RecipientRole.NOMINATOR)
    assert (nominator.sent_on, nominator.sent_by) == (timezone.localdate(), SentBy.EMAIL)
    assert nominator.body in message.body  # what was sent is what is kept
    send_statutory_notices.enqueue()  # the scheduler's sweep sends nothing twice
    assert len(mail.outbox) == 1
    # Nobody has an address for the owner or the occupier yet: those go by post.
    assert notice_to(RecipientRole.OWNER).sent_on is None


def test_the_owners_letter_prints_with_the_recipient_and_the_review_right(client, entry, durham):
    officer_of(client, durham)
    owner = notice_to(RecipientRole.OWNER)
    page = client.get(f"{NOTICES}print/{owner.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "County Durham" in html and "Olive Owner, 9 Private Lane" in html
    assert "ask the council to review" in html
    assert period_words(Clock.REVIEW_REQUEST) in html
    assert "@media print" in html and "wagtail" not in html.lower()  # no admin chrome


def test_marking_the_owners_letter_posted_starts_the_review_clock(client, entry, durham):
    officer_of(client, durham)
    owner = notice_to(RecipientRole.OWNER)
    response = client.post(f"{NOTICES}mark-sent/{owner.pk}/", {"sent_on": "2024-03-04"})
    assert response.status_code == 302
    owner.refresh_from_db()
    entry.refresh_from_db()
    assert (owner.sent_on, owner.sent_by) == (D(2024, 3, 4), SentBy.POST)
    assert entry.owner_notified_on == D(2024, 3, 4)
    assert entry.review_request_last_day == D(2024, 4, 28)
    letter = client.get(f"{NOTICES}print/{owner.pk}/").content.decode()
    assert "4 March 2024" in letter  # the letter is dated the day it went
    occupier = notice_to(RecipientRole.OCCUPIER)
    notices.mark_sent(occupier, D(2024, 3, 5), SentBy.POST)
    entry.refresh_from_db()
    assert entry.occupiers_notified_on == D(2024, 3, 5)


def test_a_sent_notice_cannot_change_or_be_sent_before_its_decision(entry):
    owner = notice_to(RecipientRole.OWNER)
    with pytest.raises(ValidationError, match="1 March 2024"):
        notices.mark_sent(owner, D(2024, 2, 28), SentBy.POST)
    owner.refresh_from_db()
    assert owner.sent_on is None
    notices.mark_sent(owner, D(2024, 3, 4), SentBy.POST)
    owner.recipient_address = "Somewhere else"
    with pytest.raises(ValidationError, match="already sent"):
        owner.full_clean()


def test_the_review_decision_notice_sent_starts_the_appeal_clock(entry):
    review = Review.objects.create(
        entry=entry,
        requested_on=D(2026, 10, 1),
        outcome=Review.Outcome.UPHELD,
        decided_on=D(2026, 11, 27),
        reasons="The pub still furthers the social wellbeing of Sacriston.",
    )
    acv_workflow.apply_entry(entry)
    decision = StatutoryNotice.objects.get(kind=NoticeKind.REVIEW_DECISION)
    assert (decision.review, decision.recipient_role) == (review, RecipientRole.OWNER)
    assert "still furthers the social wellbeing" in decision.body
    assert "First-tier Tribunal" in decision.body
    notices.mark_sent(decision, D(2026, 11, 28), SentBy.POST)
    review.refresh_from_db()
    assert review.decision_sent_on == D(2026, 11, 28)
    assert review.appeal_last_day == D(2026, 12, 29)  # Tuesday: not Saturday 26 December


def test_a_removal_after_review_tells_everyone_why_and_undoing_it_withdraws_unsent(entry):
    review = Review.objects.create(
        entry=entry,
        requested_on=D(2024, 4, 1),
        outcome=Review.Outcome.REMOVED,
        decided_on=D(2024, 5, 20),
        reasons="The pub closed in 2019 and has no realistic prospect of reopening.",
    )
    acv_workflow.apply_entry(entry)
    removal = StatutoryNotice.objects.filter(kind=NoticeKind.REMOVAL, list_entry=entry)
    assert {n.recipient_role for n in removal} == {"owner", "occupier", "nominator"}
    assert all("no realistic prospect of reopening" in n.body for n in removal)
    assert StatutoryNotice.objects.filter(kind=NoticeKind.REVIEW_DECISION).count() == 1
    notices.mark_sent(notice_to(RecipientRole.OWNER, NoticeKind.REMOVAL), D(2024, 5, 21), "post")
    review.delete()  # entered against the wrong entry
    acv_workflow.apply_entry(entry)
    kept = StatutoryNotice.objects.filter(kind__in=[NoticeKind.REMOVAL, NoticeKind.REVIEW_DECISION])
    assert [n.recipient_role for n in kept] == ["owner"]  # what went stays on record


def test_a_refusal_gives_the_nominator_the_councils_reasons(
    durham, django_capture_on_commit_callbacks
):
    nomination = acv_workflow.receive_nomination(
        NominationFactory.build(
            council=durham,
            asset=AssetFactory(name="The Old Bank", council=durham),
            received_on=D(2020, 11, 2),
            contact_email="bank.friends@example.org",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        acv_workflow.decide_nomination(
            nomination, listed=False, decided_on=D(2020, 12, 14), reasons="Its use is not recent."
        )
    [refusal] = StatutoryNotice.objects.all()
    assert (refusal.kind, refusal.nomination) == (NoticeKind.REFUSAL, nomination)
    [message] = mail.outbox
    assert message.subject.endswith("The Old Bank, County Durham has not been listed")
    assert "County Durham's reasons: Its use is not recent." in message.body
    assert f"/acv/{durham.gss_code}/unsuccessful/" in message.body


def test_the_nominator_hears_of_the_owners_notice_to_sell_and_of_the_sale(
    entry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = acv_workflow.record_disposal_notice(entry, D(2024, 6, 3))
    s97 = notice_to(RecipientRole.NOMINATOR, NoticeKind.DISPOSAL)
    assert s97.disposal_notice == notice
    assert mail.outbox[-1].subject == (
        "The owner of The Robin Hood, County Durham has told the council they wish to sell"
    )
    assert f"potential bidder until {notice.interim_last_day:%-d %B %Y}" in s97.body
    acv_workflow.record_bidder_request(
        notice,
        group_name="Robin Hood Community Pub Ltd",
        group_type=BodyType.COOPERATIVE,
        received_on=D(2024, 6, 10),
    )
    acv_workflow.record_sale(
        notice,
        to_community=True,
        sold_on=D(2024, 9, 2),
        buyer="Robin Hood Community Pub Ltd",
        buyer_type=BodyType.COOPERATIVE,
    )
    removal = StatutoryNotice.objects.filter(kind=NoticeKind.REMOVAL)
    assert {n.recipient_role for n in removal} == {"owner", "occupier", "nominator"}
    assert "Sold (a relevant disposal)" in removal.first().body


def test_another_councils_officer_can_neither_see_nor_print_nor_mark_its_notices(
    client, entry, durham
):
    officer_of(client, CouncilFactory(name="Swale"))
    owner = notice_to(RecipientRole.OWNER)
    listing = client.get(NOTICES).content.decode()
    assert "The Robin Hood" not in listing
    # The admin turns a refusal into a redirect to the dashboard with a message.
    letter = client.get(f"{NOTICES}print/{owner.pk}/")
    assert letter.status_code in (302, 403) and b"Olive Owner" not in letter.content
    assert client.get(f"{NOTICES}edit/{owner.pk}/").status_code in (302, 403)
    response = client.post(f"{NOTICES}mark-sent/{owner.pk}/", {"sent_on": "2024-03-04"})
    assert response.status_code in (302, 403)
    owner.refresh_from_db()
    assert owner.sent_on is None
    client.logout()
    officer_of(client, durham)
    listing = client.get(NOTICES).content.decode()
    assert "The Robin Hood" in listing
    # Unsent first: the owner's and occupier's letters come before the emailed one.
    assert listing.index("to the occupier") < listing.index("to the nominator")


def test_the_dashboard_lists_the_notices_not_yet_sent(client, entry, durham):
    officer_of(client, durham)
    page = client.get("/admin/").content.decode()
    assert "Notices to send" in page
    assert "Notice of listing to the owner: The Robin Hood" in page
    assert "to the nominator" not in page  # emailed already


def test_a_notice_not_needed_can_be_deleted_unsent_and_is_not_made_again(client, entry, durham):
    officer = officer_of(client, durham)
    officer.user_permissions.add(Permission.objects.get(codename="delete_statutorynotice"))
    occupier = notice_to(RecipientRole.OCCUPIER)  # the occupier is the owner, say
    assert client.post(f"{NOTICES}delete/{occupier.pk}/").status_code == 302
    assert not StatutoryNotice.objects.filter(pk=occupier.pk).exists()
    acv_workflow.apply_decision(entry.nomination)  # saved again in the admin
    assert not StatutoryNotice.objects.filter(recipient_role=RecipientRole.OCCUPIER).exists()
    emailed = notice_to(RecipientRole.NOMINATOR)
    client.post(f"{NOTICES}delete/{emailed.pk}/")  # what was sent is the record: it stays
    assert StatutoryNotice.objects.filter(pk=emailed.pk).exists()
