"""The Textual terminal UI; imported only by ``sopvault tui``."""
