"""Local fake servers (provider APIs, the Slack Web API) that tests talk real HTTP to, on 127.0.0.1 port 0."""
