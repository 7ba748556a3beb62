"""Documents drawn from the code, so they cannot drift from it: the request's life as a Mermaid diagram."""
