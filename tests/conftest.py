"""Fixtures live in per-area plugin modules; this list registers them (one line each)."""

pytest_plugins: list[str] = []
