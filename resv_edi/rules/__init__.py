"""The rule engine and the implementations of the catalogue's business rules."""
