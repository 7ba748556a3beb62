"""The Slack app: Bolt listeners over the request flow (:mod:`bot.flow`), Block Kit cards, and how it is served.

Read in this order:

- :mod:`bot.slack.settings` — Slack environment variables, checked at startup; which mode ``python -m bot`` picks.
- :mod:`bot.slack.app` — the Bolt app: Web API client with retry handlers, listener pool, listeners registered.
- :mod:`bot.slack.slash`, :mod:`bot.slack.mentions`, :mod:`bot.slack.modal` — the three ways a command arrives;
  all three hand the text to :func:`bot.slack.commands.answer_command`.
- :mod:`bot.slack.actions` — Confirm, Cancel, Retry, Cancel-task and list Cancel buttons (ack first, then settle
  once).
- :mod:`bot.slack.cards` — every Block Kit message; :mod:`bot.slack.replies` — posting them (response_url fallback)
  and the flow's notifier.
- :mod:`bot.slack.users` — ``users.info`` (zone, language) and user-group members, cached.
- :mod:`bot.slack.server` / :mod:`bot.slack.startup` — uvicorn serving ``/slack/events`` and ``/healthz``
  (routes in :mod:`bot.slack.routes`).
"""
