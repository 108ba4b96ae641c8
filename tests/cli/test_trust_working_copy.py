"""Trust §7: the shipped sample vault refuses writes and points to `sopvault demo`; `show`
says how the working copy stands against main, and `show --approved` prints main's text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.errors import ReadOnly
from sopvault.services.shipped import is_shipped
from sopvault.services.vault import Vault
from tests.conftest import SAMPLE

SOP10 = "procedures/SOP-010-leach-sop.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _tree_of_sample() -> str:
    """What the shipped sample vault holds, files and sizes (to see nothing was written)."""
    return "\n".join(
        f"{p.relative_to(SAMPLE)} {p.stat().st_size}"
        for p in sorted(SAMPLE.rglob("*"))
        if p.is_file() and ".sopvault" not in p.parts
    )


@pytest.mark.parametrize(
    "args",
    [
        ["new", "sop", "--title", "Try it"],
        ["propose", "SOP-010", "-m", "try"],
        ["restore", "SOP-010", "--to", "1.0", "-m", "try"],
        ["approve", "1"],
        ["reject", "1", "-m", "no"],
        ["sync"],
        ["runs", "start", "SOP-010"],
    ],
    ids=lambda args: args[0] if args[0] != "runs" else "runs start",
)
def test_the_shipped_sample_vault_refuses_every_write(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """Trust §7 (shipped vault): a write in sopvault's own sample vault is refused with one
    line pointing to `sopvault demo DIR`, and the sample vault is left as it was."""
    before = _tree_of_sample()
    code, _, err = run(capsys, "--vault", str(SAMPLE), *args)
    assert code == 1
    assert err.count("\n") == 1 and "sopvault demo DIR" in err, err
    assert _tree_of_sample() == before


def test_the_shipped_sample_vault_still_browses_and_searches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Trust §7 (shipped vault): list, show, check and search work as before."""
    for args in (["list"], ["show", "SOP-010"], ["check"], ["search", "leach"]):
        code, out, _ = run(capsys, "--vault", str(SAMPLE), *args)
        assert code == 0 and out, args


def test_only_the_place_makes_a_vault_the_shipped_one(tmp_path: Path) -> None:
    """Trust §7 (shipped vault): a copy is writable whatever it is called; a folder
    `sample_vault` beside a pyproject of the project `sopvault` (another checkout) is not."""
    assert is_shipped(SAMPLE)
    copy = shutil.copytree(SAMPLE, tmp_path / "sample_vault", ignore=shutil.ignore_patterns(".*"))
    assert not is_shipped(Path(copy))
    assert Vault.open(Path(copy)).writable
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "sopvault"\n', encoding="utf-8")
    assert is_shipped(Path(copy))
    with pytest.raises(ReadOnly, match="sopvault demo DIR"):
        Vault.open(Path(copy)).must_be_writable("start a run")


def git(where: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, check=True
    ).stdout


def test_show_says_when_the_working_copy_is_not_the_approved_text(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §7 (working copy): an approved, unedited document shows no warning; edited, it
    says so and names the approved revision; `--approved` prints main's text."""
    code, out, _ = run(capsys, "--vault", str(demo_path), "show", "SOP-010")
    assert code == 0 and "working copy" not in out
    path = demo_path / SOP10
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "Leach and crystallise sulphate of potash", "Leach and crystallise potash sulphate", 1
        )
    )
    code, out, _ = run(capsys, "--vault", str(demo_path), "show", "SOP-010")
    first = out.splitlines()[0]
    assert first.startswith("working copy: edited, not approved; approved v")
    assert " on 2026-" in first and " by Hana Sato" in first
    assert "Leach and crystallise potash sulphate" in out
    code, out, _ = run(capsys, "--vault", str(demo_path), "show", "SOP-010", "--approved")
    assert (
        code == 0
        and "Leach and crystallise sulphate of potash" in out
        and "working copy" not in out
    )


def test_show_names_documents_not_approved_or_not_on_main(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §7 (working copy): a document committed without sign-off is "not yet
    approved"; a new file is "not on main"; `--approved` refuses both with one line."""
    code, out, _ = run(capsys, "--vault", str(sample_path), "show", "SOP-010")
    assert out.splitlines()[0].startswith("working copy: as on main, but not yet approved")
    code, out, err = run(capsys, "--vault", str(sample_path), "show", "SOP-010", "--approved")
    assert code == 1 and err.count("\n") == 1 and "no approved revision" in err
    code, out, _ = run(capsys, "--vault", str(sample_path), "new", "sop", "--title", "Fresh")
    new_id = out.split()[1]
    code, out, _ = run(capsys, "--vault", str(sample_path), "show", new_id)
    assert out.splitlines()[0] == "working copy: not on main (new here, never approved)"
