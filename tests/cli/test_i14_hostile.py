"""Issue 14 (hostile): document control attacked with plain git and odd input, on real
repositories: every answer is the right one or one clear line, never a wrong record."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sopvault.cli import main

# Local time is UTC in every test here (the shared ``utc`` fixture).
pytestmark = pytest.mark.usefixtures("utc")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_line_error(code: int, err: str, *words: str) -> None:
    """A refusal: exit status not 0, exactly one line on stderr, no traceback."""
    assert code != 0
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and all(w in err for w in words), err


def test_as_of_a_date_before_1973_is_not_read_as_today(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (hostile): git reads ``--until=@N`` with fewer than nine digits (a moment
    before March 1973) as some other date, and a negative one as no limit at all, so
    ``show --as-of 1900-01-01`` answered with today's revision as "in force on 1900-01-01".
    A date before history is refused; a date far in the future is one line, not a
    traceback; a vault whose history really starts in 1971 answers for 1972."""
    vault = str(demo_path)
    for day in ("1900-01-01", "0001-01-01", "1972-06-01"):
        code, out, err = run(capsys, "show", "SOP-003", "--as-of", day, "--vault", vault)
        one_line_error(code, err, "before the vault's history")
        assert out == ""
    for moment in ("9999-12-31", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00+14:00"):
        code, out, err = run(capsys, "list", "--as-of", moment, "--vault", vault)
        one_line_error(code, err, moment)
    old = tmp_path / "old"
    assert main(["init", str(old), "--name", "Old Ltd"]) == 0
    when = {"GIT_AUTHOR_DATE": "1971-06-01T12:00:00Z", "GIT_COMMITTER_DATE": "1971-06-01T12:00:00Z"}
    git(old, "add", "-A")
    git(old, "commit", "-qm", "Founded in 1971", env=when)
    (old / "note.txt").write_text("later\n")
    git(old, "add", "-A")
    git(old, "commit", "-qm", "A later commit")
    capsys.readouterr()
    code, _, err = run(capsys, "list", "--as-of", "1972-01-01", "--vault", str(old))
    assert code == 0 and "Founded in 1971" in err, err
    code, _, err = run(capsys, "list", "--as-of", "1970-06-01", "--vault", str(old))
    one_line_error(code, err, "before the vault's history")


def act(monkeypatch: pytest.MonkeyPatch, name: str, email: str) -> None:
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", name)
        monkeypatch.setenv(f"GIT_{role}_EMAIL", email)


def test_approving_a_retirement_does_not_say_the_document_is_effective(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (hostile): approving a retirement printed "SOP-004 1.3 is effective on
    main", the opposite of what landed (the same words in the TUI and in sync's report).
    It now says the revision is retired and names its successor."""
    vault = str(demo_path)
    act(monkeypatch, "Carmen Ruiz", "carmen.ruiz@harrowfinch.example")
    code, out, _ = run(
        capsys, "--vault", vault, "retire", "SOP-004", "-m", "Gone", "--superseded-by", "SOP-005"
    )
    assert code == 0
    number = out.split()[1].rstrip(":")
    act(monkeypatch, "Hana Sato", "hana.sato@harrowfinch.example")
    code, out, _ = run(capsys, "--vault", vault, "approve", number, "-m", "ok")
    assert code == 0
    assert (
        f"approved proposal {number}: SOP-004 1.3 is retired (superseded by SOP-005) on main" in out
    )
    assert "effective" not in out


def test_due_with_an_enormous_span_is_one_line_not_a_traceback(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (hostile): ``due --stale 99999999999999999999d`` died with an
    OverflowError traceback (a deadline past year 9999); any span over 100 years is now
    refused in one line with exit status 2, as a mistyped option is."""
    for option, value in (("--stale", "99999999999999999999d"), ("--within", "5218w")):
        code, out, err = run(capsys, "--vault", str(demo_path), "due", option, value)
        one_line_error(code, err, option, "100 years")
        assert code == 2 and out == ""
    code, _, err = run(capsys, "--vault", str(demo_path), "due", "--within", "36525d")
    assert code in (0, 1) and err == ""


def test_a_version_set_back_by_plain_git_never_repeats_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (hostile): after 1.0 and 1.1 were approved, a plain commit set the
    version on main to ``0.9`` (or ``abc``, or ``2``); the next proposal was numbered
    ``1.0`` again, and history held two revisions called 1.0. The number now goes on
    from the highest version ever approved: 1.2 (2.0 with --major); retirement too."""
    root = tmp_path / "acme"
    act(monkeypatch, "Ann Author", "ann@acme.example")
    assert main(["init", str(root), "--name", "Acme"]) == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Start")
    vault = ["--vault", str(root)]
    assert main([*vault, "new", "procedure", "--title", "Take a phone order"]) == 0
    doc = root / "procedures" / "SOP-001-take-a-phone-order.md"

    def approve_next(summary: str, *extra: str) -> str:
        act(monkeypatch, "Ann Author", "ann@acme.example")
        capsys.readouterr()
        code, out, err = run(capsys, *vault, "propose", "SOP-001", "-m", summary, *extra)
        assert code == 0, err
        act(monkeypatch, "Bob Boss", "bob@acme.example")
        assert main([*vault, "approve", out.split()[1].rstrip(":")]) == 0
        return out.split()[3]

    assert approve_next("First") == "1.0"
    doc.write_text(doc.read_text() + "\nMore.\n")
    assert approve_next("Second") == "1.1"
    act(monkeypatch, "Ann Author", "ann@acme.example")
    for n, bad in enumerate(("0.9", "abc", "2")):
        text = doc.read_text()
        start = text.index('version = "')
        end = text.index('"', start + 11)
        doc.write_text(text[:start] + f'version = "{bad}"' + text[end + 1 :] + f"\nx{n}\n")
        git(root, "commit", "-qam", f"Set the version to {bad} by hand")
        doc.write_text(doc.read_text() + f"\ny{n}\n")
        capsys.readouterr()
        code, out, _ = run(capsys, *vault, "propose", "SOP-001", "-m", f"After {bad}")
        assert code == 0 and out.startswith(f"proposal {n + 3}: SOP-001 1.2 "), out
        code, out, _ = run(capsys, *vault, "reject", str(n + 3), "-m", "no")
    code, out, _ = run(capsys, *vault, "retire", "SOP-001", "-m", "Gone")
    assert code == 0 and "SOP-001 1.2 retires SOP-001" in out, out


def test_a_reviewed_by_typed_into_a_plain_commit_is_no_approval(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (hostile): after votes are kept in history, a ``Reviewed-by`` typed into a
    plain commit proves nothing (``verify`` says so); ``history``, ``show --as-of`` and
    the acknowledgements must not take it for an approval either (one rule,
    ``core.trailers.counts_as_approval``)."""
    vault = str(demo_path)
    path = next((demo_path / "procedures").glob("SOP-003-*.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('version = "2.2"', 'version = "2.3"').replace("Export", "Download", 1),
        encoding="utf-8",
    )
    bilal = "Bilal Okafor", "bilal.okafor@harrowfinch.example"
    env = {f"GIT_{who}_{part}": value for who in ("AUTHOR", "COMMITTER")
           for part, value in zip(("NAME", "EMAIL"), bilal, strict=True)}  # fmt: skip
    message = "Tweak\n\nSOP-Id: SOP-003\nSOP-Version: 2.3\n"
    message += "Reviewed-by: Hana Sato <hana.sato@harrowfinch.example>\n"
    git(demo_path, "commit", "-qam", message, env=env)
    code, out, _ = run(capsys, "history", "SOP-003", "--vault", vault)
    assert code == 0 and "2.3" not in out.split("\n", 2)[1], out
    _, out, _ = run(capsys, "show", "SOP-003", "--as-of", "2026-11-21", "--vault", vault)
    assert out.splitlines()[1].startswith("Not an approved text: last changed by commit"), out
    assert "Approved" not in out.splitlines()[1]
    code, out, _ = run(capsys, "acks", "SOP-003", "--vault", vault)
    assert "2.3" not in out, out
    code, _, _ = run(capsys, "verify", "--vault", vault)
    assert code == 1
