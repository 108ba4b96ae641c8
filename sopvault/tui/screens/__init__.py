"""Full screens of the terminal UI."""
