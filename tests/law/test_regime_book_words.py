"""Inside a RegimeBook in use, periods are worded and notices governed from the book: the
same words and rules as read one by one, with no query after the book's two; and no
query at all in a later book, until the law changes."""

import datetime

import pytest

from django.utils import timezone

from assets_register.core.caching import content_version
from assets_register.models import Clock, RegimeBook, RegimePeriod, StatutoryRegime, period_words

from ..factories import DisposalNoticeFactory, commence_right_to_buy

pytestmark = pytest.mark.django_db


def test_words_and_rules_from_the_book_are_those_read_one_by_one(django_assert_num_queries):
    commence_right_to_buy(datetime.date(2027, 1, 1))
    days = [datetime.date(2021, 5, 1), datetime.date(2027, 3, 1)]
    clocks = [Clock.INTERIM_MORATORIUM, Clock.LISTING, Clock.FULL_MORATORIUM]
    read = [period_words(clock, day) for clock in clocks for day in days]
    notices = [DisposalNoticeFactory(received_on=day) for day in days]
    rules = [notice.right_to_buy for notice in notices]
    assert rules == [False, True]
    for notice in notices:
        del notice._regime
    with django_assert_num_queries(2), RegimeBook().in_use():
        assert [period_words(clock, day) for clock in clocks for day in days] == read
        assert [notice.right_to_buy for notice in notices] == rules


def test_a_book_reads_nothing_until_asked(django_assert_num_queries):
    with django_assert_num_queries(0), RegimeBook().in_use():
        pass


def test_the_law_is_read_once_until_it_changes(django_assert_num_queries):
    with RegimeBook().in_use():
        before = period_words(Clock.LISTING)
    with django_assert_num_queries(0), RegimeBook().in_use():
        assert period_words(Clock.LISTING) == before
    period = RegimePeriod.objects.get(
        regime=StatutoryRegime.objects.in_force_on(timezone.localdate()), clock=Clock.LISTING
    )
    period.length += 2
    period.save()
    changed = period_words(Clock.LISTING)  # read as it is, not from a book
    assert changed != before
    with RegimeBook().in_use():
        assert period_words(Clock.LISTING) == changed


def test_an_edit_of_the_law_moves_the_content_version_again_once_committed(
    django_capture_on_commit_callbacks,
):
    period = RegimePeriod.objects.filter(clock=Clock.LISTING).first()
    with django_capture_on_commit_callbacks(execute=True):
        period.save()
        saved = content_version()
    assert content_version() != saved
