"""Desk pages, one module per audience."""
