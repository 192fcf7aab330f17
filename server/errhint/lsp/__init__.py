"""Language server front end (pygls)."""
