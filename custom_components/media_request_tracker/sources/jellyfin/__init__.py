"""Jellyfin: the library where a request finally becomes available."""
