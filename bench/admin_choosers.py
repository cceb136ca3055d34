"""Benchmark of the admin's choosers at national scale: the place chooser (an officer's
council, and every council for a site editor; listed and searched) and the council
chooser (listed and searched), as the browser asks for them.

    python bench/admin_choosers.py                     # 150,000 places, 300 councils, 7,000 wards
    python bench/admin_choosers.py --database-url postgres://postgres@127.0.0.1:5432/bench

Builds the register (real pub names, as bench/name_search.py) in
bench/results/admin_choosers-<N>.sqlite3 or the given database, spread evenly over the
councils and their wards, then times --requests GETs of each kind through Django's test
client (the whole view: permissions, scoping, search, pagination, the template). Prints
p50/p95 milliseconds and peak RSS, and writes bench/results/admin_choosers-*.json.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:1] = [str(ROOT), str(ROOT / "site")]

from bench.common import django_in_process  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=150_000)
    parser.add_argument("--councils", type=int, default=300)
    parser.add_argument("--wards", type=int, default=7_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def setup_django(args):
    return django_in_process(args.database_url, f"admin_choosers-{args.places}.sqlite3")


def build_register(args):
    from assets_register.models import Area, AreaKind, Asset
    from bench.name_search import TOWNS, pub_names

    if Asset.objects.count() == args.places and Area.objects.count() == args.councils + args.wards:
        return
    Asset.objects.all().delete()
    Area.objects.all().delete()
    councils = Area.objects.bulk_create(
        Area(gss_code=f"E06{n:06d}", name=f"Council {n:03d}", kind=AreaKind.COUNCIL)
        for n in range(args.councils)
    )
    wards = Area.objects.bulk_create(
        (
            Area(
                gss_code=f"E05{n:06d}",
                name=f"Ward {n:04d}",
                kind=AreaKind.WARD,
                parent=councils[n % args.councils],
            )
            for n in range(args.wards)
        ),
        batch_size=2000,
    )
    names = pub_names()
    Asset.objects.bulk_create(
        (
            Asset(
                name=names[i % len(names)] + ("" if i < len(names) else f" {TOWNS[i % 7]}"),
                category="pub",
                address=f"{i % 200 + 1} High Street",
                council=councils[i % args.councils],
                ward=wards[i % args.wards],
            )
            for i in range(args.places)
        ),
        batch_size=5000,
    )


def timed(client, url, params_list):
    seconds = []
    for params in params_list:
        start = time.perf_counter()
        response = client.get(url, params)
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, params, response.status_code)
    cuts = statistics.quantiles(seconds, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1)}


def main():
    args = arguments()
    url = setup_django(args)
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from assets_register.models import Area, CouncilStaff
    from assets_register.staff.roles import OFFICER
    from bench.measure import PeakRSS
    from bench.name_search import queries

    build_register(args)
    rng = random.Random(args.seed)
    council = Area.objects.councils().order_by("pk")[args.councils // 2]
    officer, _ = User.objects.get_or_create(username="bench-officer")
    officer.groups.set([group_named(OFFICER)])
    CouncilStaff.objects.get_or_create(user=officer, council=council)
    editor, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_superuser": True, "is_staff": True}
    )
    places = reverse("wagtailsnippetchoosers_assets_register_asset:choose_results")
    councils = reverse("council_chooser:choose_results")
    searches = [{"q": text} for _, text in queries(args.requests, rng)]
    pages = [{"p": rng.randint(1, 20)} for _ in range(args.requests)]
    council_searches = [{"q": f"Council {rng.randrange(args.councils):03d}"[:10]}] * args.requests
    report = {"database": url.split(":")[0], "places": args.places, "requests": {}}
    with PeakRSS() as memory:
        for who, user in (("officer", officer), ("site editor", editor)):
            client = Client()
            client.force_login(user)
            client.get(places)  # warm: templates, permissions
            report["requests"][f"places, {who}, page"] = timed(client, places, pages)
            report["requests"][f"places, {who}, search"] = timed(client, places, searches)
            report["requests"][f"councils, {who}, list"] = timed(client, councils, [{}] * 20)
            report["requests"][f"councils, {who}, search"] = timed(
                client, councils, council_searches
            )
    report["memory"] = memory.as_dict()
    print(
        f"{report['database']}, {args.places:,} places, {args.councils} councils, "
        f"{args.wards:,} wards"
    )
    for name, figures in report["requests"].items():
        print(f"{name:34} p50 {figures['p50_ms']:8} ms   p95 {figures['p95_ms']:8} ms")
    print(f"peak RSS {report['memory']['rss_peak_mb']} MB")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (BENCH / "results" / f"admin_choosers-{stamp}.json").write_text(json.dumps(report, indent=2))


def group_named(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


if __name__ == "__main__":
    main()
