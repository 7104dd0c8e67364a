"""CSV: a message as one table (one row per record)."""
