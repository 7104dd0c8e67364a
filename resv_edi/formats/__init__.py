"""Readers and writers, one folder per format, all around the canonical model."""
