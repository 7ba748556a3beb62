"""``POST /callbacks/<provider>``, independent of the web server: :meth:`CallbackDesk.answer_callback` takes the
headers and body and returns ``(status, content type, body)``.

- No key configured for the provider: 404. Bigger than :data:`MAX_BODY`: 413. Not what the provider sends: 400.
  Missing, wrong or expired signature, or unsigned: 401. Nothing changes for any of these.
- The same event delivered again (a retry, or another replica): acknowledged, no second effect (``store.seen``, and
  files are kept once per provider file).
- A signature that does not cover the body could carry another body while it lasts, so an event only reaches a
  request whose provider, task or stream and window match, a link is only posted on an allowed host, and everything
  else is only kept in the audit log.
- The answer goes out as soon as the event is stored; Slack is told afterwards, on the flow's workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from typing import Final

from bot.callbacks import qcloud, tencent, trro, volc
from bot.callbacks.intake import FileIntake
from bot.callbacks.matching import Matcher
from bot.callbacks.model import CallbackEvent, CallbackKind
from bot.callbacks.settings import callback_keys
from bot.config import Config
from bot.errors import CallbackRefused, CallbackTooLarge
from bot.flow.requests import RequestFlow
from bot.flow.services import Services
from bot.lifecycle import AuditAction, AuditOutcome
from bot.secret import Secret
from bot.store import SqlRequestStore
from bot.timekeeping import Clock

log = logging.getLogger(__name__)

#: No provider sends a callback anywhere near this big.
MAX_BODY: Final = 64 * 1024
JSON = "application/json; charset=utf-8"
ACK: Final = b'{"code":0}'


READERS: Final[Mapping[str, Callable[..., CallbackEvent]]] = {
    "tencent": tencent.read,
    "volc": volc.read,
    "trro": trro.read,
    "qcloud": qcloud.read,
}

Answer = tuple[int, str, bytes]


def _refusal(status: int, reason: str) -> Answer:
    return status, JSON, json.dumps({"code": status, "message": reason}).encode("utf-8")


class CallbackDesk:
    """Answers provider callbacks and hands what they say to :class:`FileIntake`."""

    def __init__(
        self,
        *,
        store: SqlRequestStore,
        intake: FileIntake,
        matcher: Matcher,
        keys: Mapping[str, Secret],
        clock: Clock,
    ) -> None:
        self.store = store
        self.intake = intake
        self.matcher = matcher
        self.keys = dict(keys)
        self.clock = clock

    def answer_callback(self, provider: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Check, deduplicate and act on one callback; never raises."""
        reader, key = READERS.get(provider), self.keys.get(provider)
        if reader is None or key is None:
            return _refusal(404, "no such callback")
        try:
            if len(body) > MAX_BODY:
                raise CallbackTooLarge(f"larger than {MAX_BODY} bytes")
            event = reader(headers, body, key.reveal(), self.clock())
        except CallbackRefused as refused:
            log.warning("refused a %s callback (%d): %s", provider, refused.status, refused.reason)
            return _refusal(refused.status, refused.reason)
        except Exception as exc:  # a reader bug must not become a 500 or a traceback with the body in it
            log.error("could not read a %s callback: %s", provider, type(exc).__name__)
            return _refusal(400, "not understood")
        seen_key = _seen_key(provider, event)
        try:
            if not self.store.seen.first_time(seen_key):
                log.info("%s callback %s delivered again: already handled", provider, event.what)
                return 200, JSON, ACK
            self._act(event)
        except Exception as exc:  # the database failed: let the provider retry later
            log.error("could not keep a %s callback: %s", provider, type(exc).__name__)
            try:
                self.store.seen.forget(seen_key)
            except Exception as again:
                log.error("could not forget the callback either: %s", type(again).__name__)
            return _refusal(503, "try again later")
        return 200, JSON, ACK

    def replay(self, body: bytes) -> bool:
        """Act on a Volcengine callback the bot missed (a body ``DescribeLiveCallbackData`` returned), once: False
        when it was handled already or is not readable."""
        try:
            event = volc.read_kept(body)
        except CallbackRefused as refused:
            log.warning("a missed volc callback could not be read: %s", refused.reason)
            return False
        if not self.store.seen.first_time(_seen_key("volc", event)):
            return False
        self._act(event)
        return True

    def _act(self, event: CallbackEvent) -> None:
        source = f"provider:{event.provider}"
        stored = self.matcher.find(event.provider, task_id=event.task_id, stream=event.stream, at=event.at)
        if stored is not None and event.kind is CallbackKind.FILE and event.file is not None:
            self.intake.take_file(stored, event.file, raw=event.raw, source=source, storage=event.storage)
            return
        if stored is not None and event.kind is CallbackKind.TROUBLE and event.trouble:
            self.intake.take_trouble(stored, event.trouble, raw=event.raw, source=source)
            return
        if stored is None and event.kind is not CallbackKind.OTHER:
            log.info("a %s callback (%s) matched no request; kept in the audit log", event.provider, event.what)
        self.store.audit.record(
            actor=source, action=AuditAction.CALLBACK, outcome=AuditOutcome.OK, provider=event.provider,
            request_id=stored.id if stored else None, task_id=event.task_id,
            detail=f"{event.what}{'' if stored else ' (matched no request)'}: {event.raw}",
        )  # fmt: skip


def _seen_key(provider: str, event: CallbackEvent) -> str:
    return f"cb:{provider}:{hashlib.sha256(event.identity.encode('utf-8')).hexdigest()}"


def configured_domains(config: Config) -> dict[str, frozenset[str]]:
    """The push domains and vhosts each provider is configured with (a callback for another one is not ours)."""
    domains: dict[str, frozenset[str]] = {}
    if config.providers.volc is not None:
        domains["volc"] = frozenset({config.providers.volc.vhost, config.providers.volc.domain})
    if config.providers.tencent is not None:
        domains["tencent"] = frozenset({config.providers.tencent.domain})
    return domains


def open_desk(services: Services, flow: RequestFlow, env: Mapping[str, str]) -> CallbackDesk:
    """The desk for ``services``, telling people through ``flow`` (its life and its workers)."""
    intake = FileIntake(flow.life, services.store.files, services.config.callbacks, later=flow.later)
    return CallbackDesk(
        store=services.store,
        intake=intake,
        matcher=Matcher(services.store, configured_domains(services.config)),
        keys=callback_keys(env),
        clock=services.clock,
    )
