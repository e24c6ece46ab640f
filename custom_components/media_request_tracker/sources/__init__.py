"""Upstream services: a typed client, a pure parser (payload -> evidence) and the wiring for each kind."""
