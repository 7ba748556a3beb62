"""``python -m bot callbacks``: per configured provider, the URL to register and the exact provider calls that
register it (signed, the callback key masked). ``--apply`` reads the current configuration first, shows what would
change, refuses to replace a URL that is not the bot's own without ``--force`` (these calls replace a whole
configuration; TRRO's is project-wide and cannot be read back, so it always needs ``--force``), then sends them and
reports each answer. The legacy LVB is configured in its console: the steps are printed.

Exit status: 0 done, 2 no public URL, 3 something needs ``--force``, 1 a provider refused.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable

from bot.callbacks.settings import KEY_VARIABLES, callback_keys
from bot.catalogue import text
from bot.cli.base import Subcommand
from bot.config import Config, load_config
from bot.errors import BotError
from bot.flow.card import provider_name, render_call
from bot.secret import Secret
from providers.callback_setup import (
    SETUP_PROVIDERS,
    Configurable,
    SetupCall,
    read_calls,
    registered_urls,
    send,
    with_template,
    write_calls,
)
from providers.registry import build_registry
from providers.transport import Reply, planned_call, sign_for_plan

Say = Callable[[str], None]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="the bot's public base URL (default: [callbacks] public_url)")
    parser.add_argument("--apply", action="store_true", help="read the current configuration, then register")
    parser.add_argument("--force", action="store_true", help="replace callback URLs that are not this bot's")
    parser.add_argument("--config", help="TOML file to read (default: $BOT_CONFIG or bot.toml)")


def _shown(provider: Configurable, call: SetupCall) -> str:
    request = provider.config_request(call.action, call.body())
    signed = sign_for_plan(provider.signer, request)
    return render_call(planned_call(provider.key, call.action, signed, masked_body=json.dumps(call.shown())))


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    base = (args.url or config.callbacks.public_url or "").rstrip("/")
    if not base:
        print(text("cli.callbacks.no_url", "en"))
        return 2
    keys = callback_keys(os.environ)
    registry = build_registry(config.providers)
    status = 0
    try:
        configured = set(registry.keys())
        for key in SETUP_PROVIDERS:
            provider = registry.get(key) if key in configured else None
            if isinstance(provider, Configurable):
                status = max(status, _one(print, config, provider, base=base, key=keys.get(key), args=args))
    finally:
        registry.close()
    print(text("cli.callbacks.qcloud_steps", "en", url=f"{base}/callbacks/qcloud", variable=KEY_VARIABLES["qcloud"]))
    return status


def _one(
    say: Say, config: Config, provider: Configurable, *, base: str, key: Secret | None, args: argparse.Namespace
) -> int:
    name, url = provider_name(provider.key, "en"), f"{base}/callbacks/{provider.key}"
    if key is None:
        say(text("cli.callbacks.no_key", "en", provider=name, variable=KEY_VARIABLES[provider.key]))
        return 0
    writes = write_calls(provider.key, url, key, config.providers)
    say(text("cli.callbacks.register", "en", provider=name, url=url))
    for call in writes:
        say(_shown(provider, call))
    if not args.apply:
        return 0
    try:
        current = registered_urls(
            provider.key,
            [send(provider, call) for call in read_calls(provider.key, config.providers)],
            config.providers,
        )
    except BotError as error:
        say(text("cli.callbacks.answer_failed", "en", action="read", error=error.render("en")))
        return 1
    foreign = [found for found in current if found != url]
    say(text("cli.callbacks.now", "en", provider=name, current=", ".join(current) or "-", url=url))
    if not args.force and (foreign or provider.key == "trro"):
        say(text("cli.callbacks.needs_force", "en", provider=name, current=", ".join(foreign) or "?"))
        return 3
    answer: Reply | None = None
    for planned in writes:
        call = with_template(planned, answer)
        try:
            answer = send(provider, call)
        except BotError as error:
            say(text("cli.callbacks.answer_failed", "en", action=call.action, error=error.render("en")))
            return 1
        say(text("cli.callbacks.answer_ok", "en", action=call.action, request_id=answer.request_id or "-"))
    return 0


COMMAND = Subcommand(
    name="callbacks",
    help="print (or --apply) the provider calls that register the bot's callback URLs",
    configure=_configure,
    run=_run,
)
