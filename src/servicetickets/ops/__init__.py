"""What the ``servicetickets`` command does: database upgrades, serving, demo data, synthetic
history for benchmarks, and background jobs. ``servicetickets.cli`` only parses and prints."""
