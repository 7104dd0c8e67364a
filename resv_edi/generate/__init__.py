"""Synthetic data: valid RESV declarations and claim files of existing EI standards."""
