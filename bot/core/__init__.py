"""The core: command language, time resolution and request planning. Imports neither Slack nor HTTP."""
