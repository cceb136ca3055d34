"""The benchmarks drop and recreate the database they are given: only a bench one."""

import argparse

import pytest

from bench.common import refuse_unless_bench


@pytest.mark.parametrize(
    "url",
    ["postgres://postgres@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/postgres"],
)
def test_a_database_not_named_bench_is_refused(url):
    parser = argparse.ArgumentParser()
    with pytest.raises(SystemExit):
        refuse_unless_bench(parser, url, "load")


@pytest.mark.parametrize(
    "url", ["", "sqlite:////tmp/x.sqlite3", "postgres://postgres@127.0.0.1:5432/bench_load"]
)
def test_sqlite_files_and_bench_databases_are_allowed(url):
    refuse_unless_bench(argparse.ArgumentParser(), url, "load")
