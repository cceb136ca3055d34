"""Benchmark of the residents' national pages at national scale: the coverage page's figures
(register.coverage) and the national list of assets of community value (acv.national), each
one grouped query per figure however many councils there are.

    python bench/resident_pages.py                     # 150,000 places, 300 councils, SQLite
    python bench/resident_pages.py --database-url postgres://postgres@127.0.0.1:5432/bench

Builds the register in bench/results/resident_pages-<N>.sqlite3 (or the given database):
--councils councils, --places places spread over them, 3% of them listed, with nominations,
notices to sell, bids and sales. Times --runs builds of each page's data (the pages are
cached whole; this is the cost of a miss) and prints p50/p95/max ms, the number of queries
and peak RSS; writes bench/results/resident_pages-*.json.
"""

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import django_in_process  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=150_000)
    parser.add_argument("--councils", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def setup_django(args):
    return django_in_process(args.database_url, f"resident_pages-{args.places}.sqlite3")


def build(args):
    from django.db import transaction

    from assets_register.models import (
        Area,
        AreaKind,
        Asset,
        BidderRequest,
        Category,
        DisposalNotice,
        ListEntry,
        Nomination,
    )

    if Asset.objects.filter(source="bench-residents").count() >= args.places:
        return
    rng = random.Random(7)
    today = datetime.date.today()
    kinds = Category.values
    with transaction.atomic():
        councils = Area.objects.bulk_create(
            Area(gss_code=f"E0690{n:04d}", name=f"Council {n}", kind=AreaKind.COUNCIL)
            for n in range(args.councils)
        )
        councils = list(Area.objects.filter(kind=AreaKind.COUNCIL))
        for start in range(0, args.places, 5000):
            Asset.objects.bulk_create(
                Asset(
                    name=f"Place {i}",
                    category=rng.choice(kinds),
                    council=rng.choice(councils),
                    live=True,
                    source="bench-residents",
                    source_ref=str(i),
                    source_edition=rng.choice(["2016", "2023"]),
                    latitude=52 + rng.random(),
                    longitude=-2 + rng.random(),
                )
                for i in range(start, min(start + 5000, args.places))
            )
        assets = list(
            Asset.objects.filter(source="bench-residents").values_list("pk", "council_id")
        )
        listed = rng.sample(assets, len(assets) * 3 // 100)
        entries = ListEntry.objects.bulk_create(
            ListEntry(
                reference=f"B-{pk}",
                council_id=council,
                asset_id=pk,
                listed_on=today - datetime.timedelta(days=rng.randrange(1, 1500)),
                expires_on=today + datetime.timedelta(days=rng.randrange(1, 400)),
            )
            for pk, council in listed
        )
        entries = list(ListEntry.objects.filter(reference__startswith="B-"))
        Nomination.objects.bulk_create(
            Nomination(
                reference=f"BN-{n}",
                council_id=council,
                asset_id=pk,
                land_name=f"Place {pk}",
                body_name="Friends",
                body_type="charity",
                received_on=today,
                decision_due=today + datetime.timedelta(days=50),
                accepted_as_valid_on=today if n % 2 else None,
                outcome=rng.choice(["pending", "unsuccessful", "listed"]),
            )
            for n, (pk, council) in enumerate(rng.sample(assets, len(assets) * 2 // 100))
        )
        notices = DisposalNotice.objects.bulk_create(
            DisposalNotice(
                entry=entry,
                received_on=today,
                interim_last_day=today,
                full_last_day=today,
                protected_last_day=today,
                outcome=rng.choice(["pending", "sold_to_community", "sold_to_other"]),
            )
            for entry in rng.sample(entries, len(entries) // 5)
        )
        notices = list(DisposalNotice.objects.all())
        BidderRequest.objects.bulk_create(
            BidderRequest(
                notice=notice, group_name="Group", group_type="charity", received_on=today
            )
            for notice in rng.sample(notices, len(notices) // 2)
        )


def timed(function, runs):
    from django.db import connection, reset_queries

    from bench.measure import latency_ms

    seconds, queries = [], 0
    for _ in range(runs):
        reset_queries()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
        queries = len(connection.queries)
    return {**latency_ms(seconds), "queries": queries}


def main():
    args = arguments()
    setup_django(args)
    from django.conf import settings

    from bench.measure import PeakRSS

    settings.DEBUG = True  # to count queries
    start = time.perf_counter()
    build(args)
    built = time.perf_counter() - start
    from assets_register.acv.national import council_figures, listed_places
    from assets_register.register.coverage import coverage

    today = datetime.date.today()
    with PeakRSS() as rss:
        results = {
            "coverage": timed(coverage, args.runs),
            "national_figures": timed(lambda: council_figures(today), args.runs),
            "listed_places_map": timed(lambda: listed_places(today), args.runs),
        }
    from django.db import connection

    summary = {
        "places": args.places,
        "councils": args.councils,
        "database": connection.vendor,
        "build_seconds": round(built, 1),
        "ms": results,
        **rss.as_dict(),
        "note": "2 cores shared with 5 other helpers' work",
    }
    print(json.dumps(summary, indent=2))
    name = f"resident_pages-{args.places}-{connection.vendor}.json"
    (BENCH / "results" / name).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
