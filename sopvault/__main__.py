"""Allows ``python -m sopvault``."""

from sopvault.cli import main

raise SystemExit(main())
