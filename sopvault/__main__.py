"""Allows ``python -m sopvault``."""

from sopvault.cli.main import main

raise SystemExit(main())
