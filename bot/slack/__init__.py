"""The Slack app: Bolt listeners over the request flow, Block Kit cards, and how it is served."""
