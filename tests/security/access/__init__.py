"""The generated access matrix: every route, every caller, exactly the allowed answer."""
