"""Simulated upstream services speaking their real protocols over real sockets on loopback."""
