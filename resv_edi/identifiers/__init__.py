"""Identifiers of Dutch healthcare: AGB, UZOVI, IBAN, and a BSN guard (python-stdnum)."""
