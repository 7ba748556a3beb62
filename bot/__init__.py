"""live-record-bot: schedule cloud recordings and relays of live streams from chat.

Layers, from the bottom up (each imports only those below it):

- ``bot.errors``, ``bot.catalogue``: the error tree and every user-facing sentence (English, Chinese).
- ``bot.core``: the command language, time resolution and request model. No Slack, no HTTP.
- ``providers``: one module per cloud provider (build request / sign / parse response) and a registry.
- adapters: ``bot.cli`` (command line), the console, and the Slack app.
"""

__version__ = "0.1.0"
