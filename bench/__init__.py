"""Benchmarks; see bench/map_api.py."""
