"""Provider errors in plain words: which catalogue sentence explains a code, and the whole explanation with the
provider's name, code, RequestId and own words. Used by :class:`bot.errors.ProviderError` to render itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.catalogue import has, normalize_lang, text
from bot.provider_info import display_name, provider_info

if TYPE_CHECKING:
    from bot.errors import ProviderError


def explanation_key(provider: str, code: str) -> str | None:
    """The catalogue key explaining ``code`` from ``provider``: exact, then its parent code, then transport codes."""
    info = provider_info(provider)
    family = info.family if info is not None else provider
    candidates = [f"provider.code.{family}.{code}"]
    if "." in code:
        candidates.append(f"provider.code.{family}.{code.split('.', 1)[0]}")
    candidates.append(f"provider.code.any.{code}")
    return next((key for key in candidates if has(key)), None)


def render_unclear_create(error: ProviderError, lang: str = "en") -> str:
    """An unclear create (:class:`~bot.errors.OutcomeUnknown`, :class:`~bot.errors.TaskNotCreated`): its sentence,
    then the RequestId when there is one."""
    name = display_name(error.provider, lang)
    rendered = text(error.key, lang, provider=name, code=error.code, reason=error.message or error.code)
    if error.request_id:
        rendered += "\n" + text("provider.outcome_unknown.request_id", lang, request_id=error.request_id)
    return rendered


def render_provider_error(error: ProviderError, lang: str = "en") -> str:
    """Plain explanation + next step, then provider, code and RequestId (and the provider's own words)."""
    lang = normalize_lang(lang)
    name = display_name(error.provider, lang)
    request_id = error.request_id or "-"
    key = explanation_key(error.provider, error.code)
    if key is None:
        message = error.message or "-"
        return text(
            "provider.unexplained", lang, provider_name=name, code=error.code, request_id=request_id, message=message
        )
    info = provider_info(error.provider)
    console = info.console(lang) if info is not None else name
    explanation = text(key, lang, p=console)
    said_key = "provider.detail" if key.startswith("provider.code.any.") else "provider.said"
    said = text(said_key, lang, provider_name=name, message=error.message) if error.message else ""
    return text(
        "provider.explained",
        lang,
        explanation=explanation,
        provider_name=name,
        code=error.code,
        request_id=request_id,
        said=said,
    )
