"""Store tests: real files, real temporary git repositories."""
