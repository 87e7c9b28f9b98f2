"""Ticket pages, one module per audience."""
