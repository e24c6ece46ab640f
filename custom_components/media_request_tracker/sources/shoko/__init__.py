"""Shoko Server: a typed v3 REST client and a supervised SignalR event stream (no Home Assistant imports)."""
