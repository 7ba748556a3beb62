"""Benchmarks (not tests): ``python bench/run_all.py`` runs every one and prints one table."""
