"""The shapes the CLI and the TUI both show: text, Rich renderables."""
