"""Fetching: HTTP with limits (http), feed parsing (parse), article extraction (extract),
the region filter for general feeds (region). No SQL here; refresh.py wires it to the store."""
