"""`vetted import` and `vetted export` (filled in by the import work)."""

COMMANDS: list = []
