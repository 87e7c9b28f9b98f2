"""Ticket type forms: field definitions (``fields``) and submission values (``values``)."""
