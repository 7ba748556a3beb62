"""Cloud provider clients: one module per provider family, one registry.

Each provider builds its HTTP requests, signs them with an ``httpx.Auth`` subclass, sends them and parses the
answer into a result or one :class:`bot.errors.ProviderError`.
"""
