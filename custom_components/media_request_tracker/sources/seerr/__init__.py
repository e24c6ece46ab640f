"""Seerr (and its predecessors Jellyseerr and Overseerr): requests, approvals and availability."""
