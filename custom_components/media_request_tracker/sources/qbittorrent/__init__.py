"""qBittorrent: a typed WebUI API v2 client with incremental maindata sync (no Home Assistant imports)."""
