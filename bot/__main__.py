"""``python -m bot``: the same entry point as the ``live-record-bot`` console script."""

from bot.cli import main

raise SystemExit(main())
