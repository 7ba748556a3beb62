"""``python -m tests.serve_later serve``: the real bot, whose clock reads ``TEST_CLOCK_OFFSET_SECONDS`` ahead of the
real one. Everything in the bot that needs the time takes a clock whose default is :func:`bot.timekeeping.utc_now`
(and the providers' signers :func:`providers.signing.utc_now`), so replacing those two before anything else is
imported moves the whole process into the future: a series months ahead can fall within a provider's real limits
(Tencent: a start at most 6 days ahead) without waiting. Slack's request signatures keep the real clock (Bolt reads
``time.time()``), as the tests that sign them do; the fake providers must be given the same offset."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import bot.timekeeping
import providers.signing

OFFSET = timedelta(seconds=float(os.environ["TEST_CLOCK_OFFSET_SECONDS"]))
_real = bot.timekeeping.utc_now


def later() -> datetime:
    """The real time plus the offset (UTC)."""
    return _real() + OFFSET


bot.timekeeping.utc_now = later
providers.signing.utc_now = later

from bot.cli import main  # noqa: E402  (after the clocks are replaced: their defaults are read at import)

raise SystemExit(main())
