"""Alembic migration environment and scripts for the bot's database (see :mod:`bot.store.schema`)."""
