"""Radarr and Sonarr: one client for both, since they share the v3 API, the queue and the webhook connection."""
