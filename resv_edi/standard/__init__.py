"""Loads the facts of the standard (code lists, issue catalogue, layouts) from data files."""
