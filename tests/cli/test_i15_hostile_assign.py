"""Issue 15 (assignment), a hostile tester's finding: ``--assign`` naming one role twice
with two people kept the last without a word, dropping the first; now it is refused in
one line naming both, and no run is started."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopvault.cli import main

pytestmark = pytest.mark.usefixtures("utc")


def test_one_role_given_two_people_is_refused(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 (assignment): exit 1, one line naming the role and both people, no run;
    the same person twice is no conflict and starts the run."""
    runs = demo_path / "runs"
    args = ["--vault", str(demo_path), "runs", "start", "SOP-010"]
    twice = ["--assign", "plant operator=dmitri", "--assign", "plant operator=carmen"]
    assert main([*args, *twice]) == 1
    err = capsys.readouterr().err
    assert err == (
        "sopvault: error: --assign names 'plant operator' twice ('dmitri' and 'carmen'):"
        " one person per role; `runs assign` changes it later\n"
    )
    assert not list(runs.glob("SOP-010/*.jsonl"))
    same = ["--assign", "plant operator=dmitri", "--assign", "plant operator=dmitri"]
    assert main([*args, *same]) == 0
    assert len(list(runs.glob("SOP-010/*.jsonl"))) == 1
