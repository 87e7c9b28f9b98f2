"""Reports (SPEC.md §5): status and service efficiency over the tickets a desk admin may read."""
