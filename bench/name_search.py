"""Benchmark of the place-name search (geo.lookup.search, what /search/?q= runs) at
national scale, against the substring search it replaced.

    python bench/name_search.py                       # 150,000 places, SQLite
    python bench/name_search.py --database-url postgres://postgres@127.0.0.1:5432/bench

Builds a register of real pub names (OpenStreetMap's 2022 snapshot, in ../shared/data,
repeated with a town suffix up to --places) in bench/results/name_search-<N>.sqlite3 or the
given database, then times --queries searches of four kinds: exact names, one-letter typos,
apostrophe variants and single words. Prints milliseconds at p50/p95/p99 for the ranked
search and for the old `icontains` per word, the share of searches finding anything and
the share finding the name the query was made from ("hit"), and writes
bench/results/name_search-*.json.
"""

import argparse
import csv
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

from bench.common import django_in_process, load_average  # noqa: E402

PUBS = ROOT.parent / "shared" / "data" / "pubs" / "osm_pubs_gb_2022-01-28.tsv"
TOWNS = ["Durham", "Sacriston", "Leysdown", "Thurcroft", "Knottingley", "York", "Leicester"]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--ranked-only", action="store_true", help="skip the old icontains search (4/5 of the time)"
    )
    return parser.parse_args()


def setup_django(args):
    return django_in_process(args.database_url, f"name_search-{args.places}.sqlite3")


def pub_names():
    with PUBS.open(newline="") as file:
        return [row["name"] for row in csv.DictReader(file, delimiter="\t") if row["name"]]


def build_register(places, rng):
    from assets_register.models import Asset

    if Asset.objects.count() != places:
        write_register(places, rng)
    # As the site's imports leave the name index (name_search.settle), with the statistics
    # autovacuum keeps on a server that has run a while (as bench/load_register.py does).
    from django.db import connection

    from assets_register.models import name_search

    name_search.settle(connection)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def write_register(places, rng):
    from assets_register.models import Asset

    Asset.objects.all().delete()
    names = pub_names()
    rows = [
        Asset(
            name=names[i % len(names)] + ("" if i < len(names) else f" {TOWNS[i % len(TOWNS)]}"),
            category="pub",
            address=f"{rng.randint(1, 200)} High Street",
        )
        for i in range(places)
    ]
    Asset.objects.bulk_create(rows, batch_size=5000)


def typo(word, rng):
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]  # one letter dropped: "libary", "Queen Hed"


def queries(count, rng):
    return [(kind, text) for kind, text, _ in searches(count, rng)]


def searches(count, rng):
    """(kind, query, the name it was made from), `count` of them."""
    names = [n for n in pub_names() if len(n) > 6]
    kinds = {
        "exact": lambda name: name,
        "typo": lambda name: " ".join(typo(word, rng) for word in name.split()),
        "apostrophe": lambda name: name.replace("'", "") if "'" in name else name + "'s",
        "one word": lambda name: max(name.split(), key=len),
    }
    made = []
    for _ in range(count // 4):
        for kind, make in kinds.items():
            name = rng.choice(names)
            made.append((kind, make(name), name))
    return made


def icontains(query, limit=50):
    from django.db.models import Q

    from assets_register.models import Asset

    matches = Q()
    for word in query.split():
        matches &= Q(name__icontains=word) | Q(address__icontains=word)
    return list(Asset.objects.live().filter(matches).order_by("name")[:limit])


def timed(function, texts, names):
    from assets_register.core.text import search_text

    seconds, cpu_seconds, found, hits = [], [], 0, 0
    for text, name in zip(texts, names, strict=True):
        start, cpu_start = time.perf_counter(), time.process_time()
        results = function(text)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
        found += bool(results)
        hits += search_text(name) in {search_text(asset.name) for asset in results}
    cuts = statistics.quantiles(seconds, n=100)
    cpu_cuts = statistics.quantiles(cpu_seconds, n=100)
    return {
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        # this process's CPU (all of a search on SQLite): steadier than wall time under load
        "cpu_p50_ms": round(cpu_cuts[49] * 1000, 2),
        "cpu_p95_ms": round(cpu_cuts[94] * 1000, 2),
        "found_share": round(found / len(texts), 3),
        "hit_share": round(hits / len(texts), 3),  # the name the query was made from
    }


def main():
    args = arguments()
    url = setup_django(args)
    from assets_register.geo.lookup import search
    from bench.measure import PeakRSS

    # The register's addresses draw from their own generator: the queries are the same
    # whether this run built the register or found it built.
    build_register(args.places, random.Random(args.seed + 1))
    sample = searches(args.queries, random.Random(args.seed))
    report = {"database": url.split(":")[0], "places": args.places, "kinds": {}}
    with PeakRSS() as memory:
        for kind in dict((kind, text) for kind, text, _ in sample):
            texts = [text for k, text, _ in sample if k == kind]
            names = [name for k, _, name in sample if k == kind]
            report["kinds"][kind] = {"ranked": timed(lambda q: search(q).assets, texts, names)}
            if not args.ranked_only:
                report["kinds"][kind]["icontains (before)"] = timed(icontains, texts, names)
    report["memory"] = memory.as_dict()
    report["load_average"] = load_average()
    print(
        f"{report['database']}, {args.places:,} places, {len(sample)} queries, "
        f"load average {report['load_average']}"
    )
    print(
        f"{'kind':12} {'search':20} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'found':>6} {'hit':>6}"
    )
    for kind, results in report["kinds"].items():
        for how, figures in results.items():
            print(
                f"{kind:12} {how:20} {figures['p50_ms']:8} {figures['p95_ms']:8} "
                f"{figures['p99_ms']:8} {figures['cpu_p50_ms']:8} {figures['cpu_p95_ms']:8} "
                f"{figures['found_share']:6} {figures['hit_share']:6}"
            )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (BENCH / "results" / f"name_search-{stamp}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
