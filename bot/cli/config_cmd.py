"""``python -m bot config``: check the configuration and the database, show what was understood (secrets masked)
and what each unconfigured provider still needs."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from typing import Any

from bot.cli.base import Subcommand
from bot.config import Config, load_config
from bot.errors import ConfigError
from bot.provider_info import PROVIDER_KEYS
from bot.store.engine import create_engine, database_url, is_sqlite
from bot.store.health import connect_problem, database_problem, remember_database_password, store_problem
from providers.config import requirements


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML file to read (default: $BOT_CONFIG or bot.toml)")


def _jsonable(value: Any) -> Any:
    return str(value)


def configured_database_problem() -> str | None:
    """Whether the configured database answers (``SELECT 1``; nothing is created or migrated)."""
    env = os.environ
    remember_database_password(env)
    try:
        engine = create_engine(database_url(env=env))
    except ConfigError as exc:
        return "; ".join(exc.problems)
    except Exception as exc:  # a URL the driver cannot even parse
        return connect_problem(exc, env)
    try:
        # A missing SQLite file is created (and migrated) when the bot starts; a deleted one only matters then.
        problem = database_problem(engine) if is_sqlite(engine) else store_problem(engine)
    finally:
        engine.dispose()
    if problem is None:
        return None
    key = "DATABASE_URL" if env.get("DATABASE_URL", "").strip() else "BOT_DATA_DIR"
    return f"{key}: {problem}"


def missing_per_provider(config: Config) -> dict[str, tuple[str, ...]]:
    """For each provider that cannot be used, what it still needs."""
    found: dict[str, tuple[str, ...]] = {}
    for key in PROVIDER_KEYS:
        if getattr(config.providers, key) is None:
            found[key] = tuple(config.providers.missing.get(key) or requirements(key))
    return found


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(json.dumps(asdict(config), indent=2, ensure_ascii=False, default=_jsonable))
    problems = []
    database = configured_database_problem()
    if database is not None:
        problems.append(database)
    missing = missing_per_provider(config)
    for key, needs in missing.items():
        print(f"{key}: not configured; needs {', '.join(needs)}")
    if len(missing) == len(PROVIDER_KEYS):
        problems.append("no provider is configured: set one up as listed above (see bot.example.toml)")
    if problems:
        raise ConfigError(problems)
    ready = [key for key in PROVIDER_KEYS if key not in missing]
    print(f"Configuration OK: the database answers; providers ready: {', '.join(ready)}.")
    return 0


COMMAND = Subcommand(
    name="config",
    help="check the configuration and the database; print what was understood (secrets masked) and what is missing",
    configure=_configure,
    run=_run,
)
