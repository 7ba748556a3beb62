"""What the bot is doing, in the Prometheus exposition format (``prometheus_client``, never hand-written).

metrics = Metrics(count_requests=store.count_by_state)
metrics.watch_providers()                        # every provider HTTP call, from providers/transport.py
metrics.slack_ack_seconds.labels(kind="command").observe(0.012)
answer = metrics.scrape(authorization=request_headers.get("Authorization"), token=env.get("METRICS_TOKEN"))

Each :class:`Metrics` has its own registry, so tests and processes never share counters by accident.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from bot.catalogue import text
from bot.lifecycle import RequestState
from providers.transport import CallRecord, observe_calls

log = logging.getLogger("bot.metrics")

#: Seconds: provider calls take 50 ms to the 10 s timeout; acks must leave within Slack's 3 s.
PROVIDER_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0)
LAG_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)

CountRequests = Callable[[], Mapping[str, int]]


@dataclass(frozen=True)
class Scrape:
    """The answer to ``GET /metrics``."""

    status: int
    content_type: str
    body: bytes


class RequestsByState(Collector):
    """``bot_requests{state}``: read from the store at each scrape, every state present (0 when none)."""

    def __init__(self, count: CountRequests) -> None:
        self._count = count

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("bot_requests", "Stored requests by state.", labels=["state"])
        try:
            counts = self._count()
        except Exception:  # the database not answering must not break the rest of the scrape
            log.warning("bot_requests: the store did not answer", exc_info=True)
            return
        for state in RequestState:
            family.add_metric([state.value], counts.get(state.value, 0))
        yield family


class Metrics:
    """The bot's metrics, in a registry of their own."""

    def __init__(self, *, count_requests: CountRequests | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.provider_calls = Counter(
            "bot_provider_calls",
            "Provider HTTP calls (each attempt), by outcome: ok or the error code.",
            ["provider", "action", "outcome"],
            registry=self.registry,
        )
        self.provider_call_seconds = Histogram(
            "bot_provider_call_seconds",
            "How long provider HTTP calls took.",
            ["provider", "action"],
            buckets=PROVIDER_BUCKETS,
            registry=self.registry,
        )
        self.slack_ack_seconds = Histogram(
            "bot_slack_ack_seconds",
            "From a Slack request's arrival to its acknowledgement, by kind: command, action, view, event.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.scheduler_lag_seconds = Histogram(
            "bot_scheduler_lag_seconds",
            "How late scheduled jobs ran after they were due.",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.slack_api_errors = Counter(
            "bot_slack_api_errors",
            "Slack Web API calls that failed, by method and Slack's error code.",
            ["method", "error"],
            registry=self.registry,
        )
        if count_requests is not None:
            self.registry.register(RequestsByState(count_requests))

    def observe_provider_call(self, record: CallRecord) -> None:
        """Count one provider call and its duration."""
        self.provider_calls.labels(record.provider, record.action, record.outcome).inc()
        self.provider_call_seconds.labels(record.provider, record.action).observe(record.seconds)

    def watch_providers(self) -> None:
        """Hear of every provider call this process makes (one observer per process: the last one set)."""
        observe_calls(self.observe_provider_call)

    def exposition(self) -> bytes:
        """Every metric in the text exposition format."""
        return generate_latest(self.registry)

    def scrape(self, *, authorization: str | None, token: str | None) -> Scrape:
        """``GET /metrics``: with ``token`` (``METRICS_TOKEN``) set, only for ``Authorization: Bearer <token>``."""
        if token and not _bearer_matches(authorization, token):
            message = (text("ops.metrics.unauthorized", "en") + "\n").encode()
            return Scrape(401, "text/plain; charset=utf-8", message)
        return Scrape(200, CONTENT_TYPE_LATEST, self.exposition())


def _bearer_matches(authorization: str | None, token: str) -> bool:
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
