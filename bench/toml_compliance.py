"""The TOML compliance run (issue 12, Trust §1): every valid TOML 1.0 file of toml-test
embedded as extra front matter of a document, proposed and approved through the CLI.

    python bench/toml_compliance.py [--out DIR] [--limit N]

Builds a new vault in DIR (a temporary folder by default) with one document per file,
then for each: edits its body, `sopvault propose` as one person, `sopvault approve` as
another, and judges main's text (tests/toml_suite.py). Prints "N of M passed" and each
failure; exits 1 when any failed. The test suite runs a sample of the same files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import toml_suite  # noqa: E402


def main() -> int:
    """Run it; the exit status says whether every file passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to build the vault (default: a temp dir)")
    parser.add_argument("--limit", type=int, help="only the first N files")
    args = parser.parse_args()
    names = toml_suite.valid_files()[: args.limit]
    with tempfile.TemporaryDirectory(prefix="sopvault-toml-") as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        # away from the machine's git settings, as the tests are
        os.environ.update(
            HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(home / ".gitconfig")
        )
        started = time.perf_counter()
        outcomes = toml_suite.run((args.out or Path(scratch)) / "vault", names)
        seconds = time.perf_counter() - started
    print(toml_suite.summary(outcomes))
    print(f"{seconds:.1f} s for {len(names)} files")
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
