"""Trust §1 (TOML compliance): files of toml-lang/toml-test as extra front matter survive
``sopvault propose`` and ``sopvault approve`` exactly (the full run: bench/toml_compliance.py).
"""

from __future__ import annotations

from pathlib import Path

from tests import toml_suite

# One file of each kind the suite has (and every file whose keys clash with sopvault's),
# so CI stays quick; bench/toml_compliance.py runs all 205.
SAMPLE = [
    "valid/array/array.toml",
    "valid/array/nested-double.toml",
    "valid/array/string-quote-comma-01.toml",
    "valid/bool/bool.toml",
    "valid/comment/everywhere.toml",
    "valid/comment/noeol.toml",
    "valid/datetime/local.toml",
    "valid/datetime/timezone.toml",
    "valid/empty-nothing.toml",
    "valid/float/inf-and-nan.toml",
    "valid/float/zero.toml",
    "valid/inline-table/nest.toml",
    "valid/integer/literals.toml",
    "valid/key/dotted-04.toml",
    "valid/key/escapes.toml",
    "valid/key/quoted-unicode.toml",
    "valid/spec-1.0.0/table-7.toml",
    "valid/spec-example-1.toml",
    "valid/string/multiline-quotes.toml",
    "valid/string/raw-multiline.toml",
    "valid/table/array-implicit-and-explicit-after.toml",
    "valid/table/without-super.toml",
]


def test_the_sample_is_in_the_suite() -> None:
    """Trust §1 (TOML compliance): the sample names files the suite really has."""
    assert set(SAMPLE) <= set(toml_suite.valid_files())
    assert len(toml_suite.valid_files()) == 205


def test_toml_test_files_survive_propose_and_approve(tmp_path: Path) -> None:
    """Trust §1 (TOML compliance): each sampled file, embedded after a document's own keys,
    reads back exactly on main after a proposal and its approval through the CLI."""
    outcomes = toml_suite.run(tmp_path / "vault", SAMPLE)
    assert all(o.passed for o in outcomes), toml_suite.summary(outcomes)
