"""sopvault: standard operating procedures kept as TOML-fronted text in git."""

__version__ = "0.1.0"
