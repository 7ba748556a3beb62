"""Fixtures for provider tests (and anyone else who needs the fake providers): fakes running, a registry on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.registry import ProviderRegistry, build_registry
from tests.fakes.providers import FakeProviders


@pytest.fixture
def fake_providers() -> Iterator[FakeProviders]:
    """All four fake provider servers, started on 127.0.0.1 (fresh for each test)."""
    with FakeProviders() as fakes:
        yield fakes


@pytest.fixture
def provider_registry(fake_providers: FakeProviders) -> Iterator[ProviderRegistry]:
    """A registry whose providers talk to the fakes, with 1 s client timeouts (qcloud: 3.5 s, its minimum)."""
    registry = build_registry(fake_providers.settings(timeout_seconds=1.0))
    yield registry
    registry.close()
