"""Every error the bot raises on purpose, in one tree.

    BotError                      anything the bot can explain to a person
    ├── ConfigError               configuration missing or wrong; lists every problem at once
    │   └── ProviderNotConfigured a provider was asked for that is not configured (names what to set)
    ├── ParseError                the command text was not understood (quotes the part, shows an example)
    ├── ValidationError           understood, but a provider would refuse it (lists every problem)
    ├── PermissionDenied          the person may not do this here (says who can help)
    ├── RequestStateError         the request was already settled (double click, second replica, ...)
    │   ├── AlreadySettled        ... and says in which state it is now
    │   └── AlreadyRetried        a failed request was retried already: names the new request
    ├── CallbackRefused           a provider callback the bot will not act on (its ``status``: the HTTP answer)
    │   ├── CallbackUnauthorized  missing, wrong or expired signature, or unsigned (401)
    │   ├── CallbackMalformed     not what the provider sends (400)
    │   └── CallbackTooLarge      larger than any callback the providers send (413)
    ├── StoreError                the database could not keep something
    │   ├── StoreUnavailable      it did not answer (down, restarting, locked, file gone): try again later
    │   └── StoreRefused          it answered but refused the values (a bug, or data it cannot hold)
    └── ProviderError             a provider call failed: provider, code, message, RequestId
        ├── OutcomeUnknown        the provider may or may not have acted (timeout or 5xx on a create)
        └── TaskNotCreated        an unclear create answer, but the look-up says no task exists: safe to retry

Internal signals, never shown to a person as they are (each is turned into one of the above, or retried):

    Problem                       the core did not understand part of a command (→ ParseError, with an example)
    ZoneConflict                  the text names two different time zones (→ ParseError)
    StartInProgress               a window's stop came while its start was still talking to the provider (retried)
    BodyRejected                  an HTTP body refused before Bolt: too large, too slow, gone (for the log only)

A ``BotError`` carries a catalogue key and parameters rather than finished text, so every adapter can render it in
the reader's language with :meth:`BotError.render`. Nothing secret is ever put in the parameters.

This module imports only the catalogue (sentences, no code of ours), so every layer (core, providers, adapters) may
use it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from bot.catalogue import text
from bot.catalogue.explain import render_provider_error, render_unclear_create


class Mentions(str):
    """Slack ids (users ``U…``, groups ``S…``, channels ``C…``) the bot means to name, separated by ``", "``, as an
    error parameter: Slack shows them as real mentions, every other adapter as they are."""

    __slots__ = ()

    @classmethod
    def of(cls, ids: Sequence[str]) -> Mentions:
        return cls(", ".join(ids))

    def ids(self) -> list[str]:
        return [part for part in self.split(", ") if part]


class Problem(Exception):
    """Something in the command was not understood: a catalogue ``key`` and its parameters (``quote`` usually).
    :func:`bot.core.parse_command` turns it into a :class:`ParseError` in the person's language, with an example."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ZoneConflict(ValueError):
    """The text names two different zones."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} / {second}")
        self.first = first
        self.second = second


class StartInProgress(Exception):
    """The stop came while the start was still talking to the provider: the scheduler retries the stop shortly."""


class BotError(Exception):
    """Base of every error the bot explains to a person.

    ``key`` names a sentence in :mod:`bot.catalogue`; ``params`` fill its ``{placeholders}``.
    """

    default_key = "error.generic"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.default_key
        self.params: dict[str, Any] = params
        #: A short code for logs, the audit log and the card: the provider's error code, else this class's name.
        self.code: str = getattr(self, "code", type(self).__name__)
        super().__init__(self.key)

    def render(self, lang: str = "en") -> str:
        """The explanation for a person, in ``lang`` (``en`` or ``zh-CN``)."""
        return text(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


class ConfigError(BotError):
    """Configuration is missing or wrong. ``problems`` lists every one of them, each naming its key."""

    default_key = "config.problems"

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.default_key, problems="\n".join(f"  - {p}" for p in self.problems))


class ProviderNotConfigured(ConfigError):
    """A provider was asked for that is not configured; ``missing`` names the settings and environment variables."""

    default_key = "provider.not_configured"

    def __init__(self, provider: str, missing: tuple[str, ...]) -> None:
        self.provider = provider
        self.missing = missing
        super().__init__([f"{provider}: set {name}" for name in missing])
        self.params.update(provider=provider, missing=", ".join(missing))


class ParseError(BotError):
    """The command text was not understood.

    ``key`` says what went wrong; params conventionally include ``quote`` (the part not understood) and the
    catalogue renders a corrected ``example``. ``lang`` is the language the person wrote in.
    """

    default_key = "parse.not_understood"

    def __init__(self, key: str | None = None, /, *, lang: str = "en", **params: Any) -> None:
        self.lang = lang
        super().__init__(key, **params)

    def message(self, lang: str = "en") -> str:
        """What was not understood, without the example."""
        return super().render(lang)

    def hint(self, lang: str = "en") -> str | None:
        """The corrected example (``params["example"]``) as a sentence, if there is one."""
        example = self.params.get("example")
        if not example:
            return None
        return text("parse.example", lang, example=example)

    def render(self, lang: str = "en") -> str:
        hint = self.hint(lang)
        return self.message(lang) + (f"\n{hint}" if hint else "")


class ValidationError(BotError):
    """The request was understood, but the provider would refuse it. ``problems`` holds every reason."""

    default_key = "validation.problems"

    def __init__(self, provider: str, problems: Sequence[BotError]) -> None:
        self.provider = provider
        self.problems = tuple(problems)
        super().__init__(self.default_key, provider=provider)

    def render(self, lang: str = "en") -> str:
        head = text(self.key, lang, provider=self.provider)
        return head + "\n" + "\n".join(f"• {p.render(lang)}" for p in self.problems)


class PermissionDenied(BotError):
    """The person may not perform ``action`` here. ``helpers`` names who can (Slack mentions)."""

    default_key = "permission.denied"


class RequestStateError(BotError):
    """A request could not move to the wanted state because it was already settled."""

    default_key = "request.already_settled"


class AlreadySettled(RequestStateError):
    """The request is no longer waiting for this decision; says in which state it is, in the reader's language."""

    def __init__(self, request_id: str, state: str) -> None:
        self.state = state
        super().__init__("flow.already_settled", request=request_id, state=state)

    def render(self, lang: str = "en") -> str:
        return text(self.key, lang, request=self.params["request"], state=text(f"flow.state.{self.state}", lang))


class AlreadyRetried(RequestStateError):
    """Retry was clicked on a request retried already (another click, a replay, another replica won)."""

    default_key = "flow.already_retried"

    def __init__(self, request_id: str, retried_as: str) -> None:
        self.retried_as = retried_as
        super().__init__(self.default_key, request=request_id, retried_as=retried_as)


class StoreError(BotError):
    """The database could not keep something. Never carries the database's own text (it holds SQL and values)."""

    default_key = "faults.store_unavailable"


class StoreUnavailable(StoreError):
    """The database did not answer (down, restarting, locked, its file gone): nothing was changed; try again."""


class StoreRefused(StoreError):
    """The database answered but refused what was asked (a value it cannot hold, a constraint)."""


class Retry(enum.Enum):
    """What a caller may do after a :class:`ProviderError`."""

    NEVER = "never"  # the provider refused: fix the request, configuration or account first
    SAFE = "safe"  # the provider definitely did not act (rate limit, expired signature): retrying is safe
    AFTER_LOOKUP = "after_lookup"  # it may have acted: look the task up before creating it again


class ProviderError(BotError):
    """A provider call failed.

    ``code`` is the provider's error code (or one of ours for transport failures: ``Timeout``,
    ``ConnectionFailed``, ``BadResponse``, ``HttpError``); ``message`` is the provider's own text (already free of
    secrets); ``request_id`` is what the user quotes to the provider's support.
    """

    default_key = "provider.error"

    def __init__(
        self,
        provider: str,
        code: str,
        message: str = "",
        request_id: str | None = None,
        *,
        action: str = "",
        http_status: int | None = None,
        retry: Retry = Retry.NEVER,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.provider = provider
        self.code = code
        self.message = message
        self.request_id = request_id
        self.action = action
        self.http_status = http_status
        self.retry = retry
        self.details = dict(details or {})
        super().__init__(
            self.default_key,
            provider=provider,
            code=code,
            message=message,
            request_id=request_id or "-",
            action=action,
        )

    def render(self, lang: str = "en") -> str:
        """The code explained in plain words with the next step, plus provider, code and RequestId."""
        if self.key != ProviderError.default_key:
            return super().render(lang)
        return render_provider_error(self, lang)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.provider!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class OutcomeUnknown(ProviderError):
    """The provider may or may not have acted (a create timed out or got a 5xx and no look-up settled it)."""

    default_key = "provider.outcome_unknown"

    @classmethod
    def crashed(cls, provider: str, exc: BaseException) -> OutcomeUnknown:
        """A bug on our side around a provider call (which may have been sent): only the exception's type is kept,
        since its text may be the provider's or carry its URL."""
        return cls(provider, "InternalError", f"unexpected {type(exc).__name__} in the bot")

    def render(self, lang: str = "en") -> str:
        """What happened, that the task may exist, and what to check — with the RequestId when there is one."""
        return render_unclear_create(self, lang)


class TaskNotCreated(ProviderError):
    """A create got an unclear answer (timeout, 5xx, unreadable body), but the look-up that followed answered and has
    no such task: nothing was created, so trying again is safe. Keeps the original ``code`` and ``request_id``."""

    default_key = "provider.not_created"

    def __init__(
        self,
        provider: str,
        code: str,
        message: str = "",
        request_id: str | None = None,
        *,
        action: str = "",
        http_status: int | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            provider,
            code,
            message,
            request_id,
            action=action,
            http_status=http_status,
            retry=Retry.SAFE,
            details=details,
        )

    def render(self, lang: str = "en") -> str:
        """What was unclear, that the look-up found no task, and that trying again is safe — with the RequestId."""
        return render_unclear_create(self, lang)


class BodyRejected(Exception):
    """An HTTP request body refused before it reached Bolt (too large, too slow, the client gone): ``status`` is
    the answer to give, ``reason`` what to log. Not a :class:`BotError`: nobody reads it but the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class CallbackRefused(BotError):
    """A provider callback the bot will not act on; ``status`` is the HTTP answer (401, 400, 413). Its text names
    what was wrong, never a value from the body."""

    default_key = "callbacks.refused"
    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(self.default_key, reason=reason)
        self.reason = reason


class CallbackUnauthorized(CallbackRefused):
    """Missing, wrong or expired signature, or an unsigned callback."""

    status = 401


class CallbackMalformed(CallbackRefused):
    """A body that is not what the provider sends."""

    status = 400


class CallbackTooLarge(CallbackRefused):
    """A body larger than any callback the providers send."""

    status = 413
