"""Fixtures live in per-area plugin modules; this list registers them (one line each)."""

pytest_plugins: list[str] = [
    "tests.fixtures_store",
    "tests.fixtures_providers",
    "tests.fixtures_slack",
    "tests.fixtures_series_e2e",
]
