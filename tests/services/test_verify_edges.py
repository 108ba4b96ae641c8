"""Trust §5 (verify sees everything, and says when it cannot): documents reached through
symbolic links, a missing main, nothing to check, shallow clones, grafts, replace refs and
the documented CI step on a pull-request checkout, all on real git repositories."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli.app import main
from sopvault.services.review.common import RevisionError
from sopvault.services.review.control import DocumentControl
from tests.conftest import act_as, workspace_at
from tests.services.test_review import git_out

DOC = "procedures/linked.md"
TEXT = "notes/linked.txt"
FRONT = '+++\nid = "SOP-900"\ntitle = "Linked procedure"\nkind = "procedure"\n+++\n\n'


def git(root: Path, *args: str) -> str:
    """A plain git command in ``root`` (the user's own, bypassing sopvault)."""
    return git_out(root, *args).strip()


def verify(root: Path, *args: str) -> list[tuple[str, tuple[str, ...]]]:
    """(reason, documents) of every violation ``verify`` reports."""
    since = dict(zip(args[::2], args[1::2], strict=True))
    report = DocumentControl(workspace_at(root)).audit.verify(**since)
    return [(v.reason.value, v.paths) for v in report.violations]


def test_a_document_reached_through_a_link_is_judged(demo_path: Path) -> None:
    """Trust §5 (verify sees everything): ``linked.md -> ../notes/linked.txt`` is loaded as
    a document, so editing the text file, or moving the link to other text, is a change
    to that document and needs a sign-off."""
    (demo_path / "notes").mkdir()
    (demo_path / TEXT).write_text(FRONT + "1. Check the valve.\n")
    (demo_path / "notes" / "other.txt").write_text(FRONT + "1. Open the valve wide.\n")
    (demo_path / DOC).symlink_to("../notes/linked.txt")
    git(demo_path, "add", "-A")
    git(demo_path, "commit", "-qm", "Add a linked procedure")
    start = git(demo_path, "rev-parse", "HEAD")
    assert "SOP-900" in workspace_at(demo_path).vault.state.documents

    (demo_path / TEXT).write_text(FRONT + "1. Skip the valve.\n")
    git(demo_path, "commit", "-qam", "Edit the text behind the link")
    assert verify(demo_path, "since", start) == [("unreviewed", (DOC,))]

    moved = git(demo_path, "rev-parse", "HEAD")
    (demo_path / DOC).unlink()
    (demo_path / DOC).symlink_to("../notes/other.txt")
    git(demo_path, "commit", "-qam", "Point the link at other text")
    assert verify(demo_path, "since", moved) == [("unreviewed", (DOC,))]

    # A link through a linked folder, and one leading out of the vault (refused by the
    # scanner, so nothing is loaded and nothing judged past its removal).
    again = git(demo_path, "rev-parse", "HEAD")
    (demo_path / "shelf").symlink_to("notes")
    (demo_path / DOC).unlink()
    (demo_path / DOC).symlink_to("../shelf/other.txt")
    git(demo_path, "add", "-A")
    git(demo_path, "commit", "-qm", "The same text through a linked folder")
    assert verify(demo_path, "since", again) == []  # the document loads the same blob


def test_a_linked_document_is_never_proposed_as_a_copy(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §5 (verify sees everything): proposing a document reached through a link
    would record a copy in place of the link; it is refused with one line, the link and
    main left as they were."""
    (demo_path / "notes").mkdir()
    (demo_path / TEXT).write_text(FRONT.replace("procedure", "policy") + "Check the valve.\n")
    (demo_path / DOC).symlink_to("../notes/linked.txt")
    git(demo_path, "add", "-A")
    git(demo_path, "commit", "-qm", "Add a linked procedure")
    main_before = git(demo_path, "rev-parse", "main")
    (demo_path / TEXT).write_text(FRONT.replace("procedure", "policy") + "Check it twice.\n")
    act_as(monkeypatch, "Carmen Ruiz")
    control = DocumentControl(workspace_at(demo_path))
    open_before = control.proposals.listing()
    with pytest.raises(RevisionError, match="reached through a symbolic link"):
        control.proposals.propose(["SOP-900"], "Twice")
    assert (demo_path / DOC).is_symlink() and git(demo_path, "rev-parse", "main") == main_before
    assert control.proposals.listing() == open_before


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Exit status and stderr of one ``sopvault`` command line."""
    code = main(list(args))
    return code, capsys.readouterr().err


def test_no_main_or_nothing_to_check_is_an_error_not_ok(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §5 (says when it cannot): an unknown main branch, an unknown revision and an
    empty range are one line and exit status 2, never "0 checked: ok"."""
    vault = str(demo_path)
    code, err = run_cli(capsys, "--vault", vault, "verify", "--since", "main")
    assert code == 2 and "no commits to check" in err and "ok" not in err.split(":")[-1]
    code, err = run_cli(capsys, "--vault", vault, "verify", "--rev", "nosuch")
    assert code == 2 and "unknown revision 'nosuch'" in err
    config = demo_path / "sopvault.toml"
    config.write_text(config.read_text().replace('main_branch = "main"', 'main_branch = "trunk"'))
    code, err = run_cli(capsys, "--vault", vault, "verify")
    assert code == 2 and err.count("\n") == 1
    assert "no branch 'trunk' here (main_branch in sopvault.toml)" in err and "--rev" in err


def test_a_vault_never_committed_has_nothing_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §5 (says when it cannot): main exists but holds no commit of the vault."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("code\n")
    git(root, "add", "README")
    git(root, "commit", "-qm", "Code only")
    vault = root / "vault"
    vault.mkdir()
    (vault / "sopvault.toml").write_text('[vault]\nname = "V"\n')
    code, err = run_cli(capsys, "--vault", str(vault), "verify")
    assert code == 2 and "nothing to check" in err and "vault/" in err


def test_a_shallow_clone_is_named_and_never_ok(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §5 (cut history): verify on ``git clone --depth 1`` exits 2 naming
    ``git fetch --unshallow``; history says its list may be partial; after the fetch,
    verify passes."""
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{demo_path}", str(clone))
    code, err = run_cli(capsys, "--vault", str(clone), "verify")
    assert code == 2 and "shallow clone" in err and "git fetch --unshallow" in err
    assert err.count("\n") == 1
    code, err = run_cli(capsys, "--vault", str(clone), "history", "SOP-003")
    assert code == 0 and "git fetch --unshallow" in err and "may be missing" in err

    git(clone, "fetch", "-q", "--unshallow")
    code, err = run_cli(capsys, "--vault", str(clone), "verify")
    assert code == 0 and err.rstrip().endswith(": ok")
    code, err = run_cli(capsys, "--vault", str(clone), "history", "SOP-003")
    assert "fetch" not in err


def test_grafts_are_named_and_replace_refs_are_ignored(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §5 (cut history): a grafts file makes verify exit 2; a replace ref that puts
    a forged sign-off in place of a plain commit changes nothing sopvault reads."""
    act_as(monkeypatch, "Carmen Ruiz")
    path = demo_path / "procedures" / "SOP-004-raise-purchase-order.md"
    path.write_text(path.read_text() + "\nQuietly changed.\n")
    git(demo_path, "commit", "-qm", "Bypass review", "--", str(path))
    plain = git(demo_path, "rev-parse", "HEAD")
    forged = git(
        demo_path,
        "commit-tree",
        f"{plain}^{{tree}}",
        "-p",
        "HEAD~1",
        "-m",
        "Reviewed\n\nReviewed-by: Alice Moreno <alice.moreno@harrowfinch.example>",
    )
    git(demo_path, "replace", plain, forged)
    assert "Reviewed-by" in git(demo_path, "log", "-1", "--format=%B")  # git is fooled
    assert ("unreviewed", ("procedures/SOP-004-raise-purchase-order.md",)) in verify(demo_path)

    git(demo_path, "replace", "-d", plain)
    grafts = Path(git(demo_path, "rev-parse", "--absolute-git-dir")) / "info" / "grafts"
    grafts.write_text(f"{plain}\n")
    code, err = run_cli(capsys, "--vault", str(demo_path), "verify")
    assert code == 2 and "grafts" in err
    grafts.unlink()


def documented_ci_step() -> str:
    """The ``run:`` line of the CI step in docs/document-control.md."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "document-control.md").read_text()
    block = doc.split("### As a CI step", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    line = next(line for line in block.splitlines() if "sopvault verify" in line)
    return line.split("&&")[-1].strip()


def test_the_documented_ci_step_works_on_a_pull_request_checkout(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §5 (CI): on a real clone checked out as a pull request is (detached HEAD, no
    local main), the documented line passes a clean history, refuses an unreviewed change,
    and plain ``verify`` says what to do instead of "ok"."""
    command = documented_ci_step()
    assert command.startswith("sopvault verify")
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", f"file://{demo_path}", str(clone))
    git(clone, "checkout", "-q", "--detach")
    git(clone, "branch", "-q", "-D", "main")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    def ci() -> subprocess.CompletedProcess[str]:
        return subprocess.run(shlex.split(command), cwd=clone, capture_output=True, text=True)

    done = ci()
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stderr
    plain = subprocess.run(
        ["sopvault", "verify"], cwd=clone, capture_output=True, text=True, check=False
    )
    assert plain.returncode == 2 and "--rev origin/main" in plain.stderr

    act_as(monkeypatch, "Carmen Ruiz")
    path = clone / "procedures" / "SOP-004-raise-purchase-order.md"
    path.write_text(path.read_text() + "\nQuietly changed.\n")
    git(clone, "commit", "-qam", "A pull request that bypasses review")
    done = ci()
    assert done.returncode == 1 and "unreviewed" in done.stdout
