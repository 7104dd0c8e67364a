"""Identifiers of Dutch healthcare: AGB, UZOVI, and a BSN guard (python-stdnum)."""
