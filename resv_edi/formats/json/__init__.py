"""JSON (one document, streamed with ijson) and NDJSON (one record per line)."""
