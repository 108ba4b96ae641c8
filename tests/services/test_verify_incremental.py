"""Issue 17 (speed: verify's second run): a whole-history ``verify`` after an earlier one
reads only the commits made since, and reports exactly what reading them all reports;
anything that could change a past verdict makes it read everything again. Real
repositories, bad commits made by hand with git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopvault.cli.app import cli
from sopvault.model.control import VerifyReport
from sopvault.services.review import prefix
from sopvault.services.review.audit import Audit
from sopvault.services.review.common import RevisionError
from sopvault.store import verified
from sopvault.store.git.errors import IncompleteHistory
from sopvault.store.git.repo import Repo
from tests.conftest import act_as, workspace_at
from tests.services.test_ack_verify import carmen_acks
from tests.services.test_review import SOP3, edit, land_sop3

SOP4 = "procedures/SOP-004-raise-purchase-order.md"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def audit(root: Path, *, full: bool = False) -> tuple[VerifyReport, int]:
    """verify's report on main's whole history and how many commits it read from git."""
    checker = Audit(workspace_at(root))
    return checker.verify(full=full), checker.read


def same_as_full(root: Path) -> int:
    """Run verify (the record's way), then a whole check ignoring the record: the reports
    are equal, as are the CLI's output and exit status; returns the commits the first
    read."""
    report, read = audit(root)
    whole, all_read = audit(root, full=True)
    assert report == whole
    assert all_read == whole.commits
    runner = CliRunner()
    quick = runner.invoke(cli, ["--vault", str(root), "verify"])
    slow = runner.invoke(cli, ["--vault", str(root), "verify", "--full"])
    assert (quick.exit_code, quick.output) == (slow.exit_code, slow.output)
    as_json = runner.invoke(cli, ["--vault", str(root), "verify", "--json"])
    assert (
        json.loads(as_json.output)["violations"]
        == json.loads(
            runner.invoke(cli, ["--vault", str(root), "verify", "--json", "--full"]).output
        )["violations"]
    )
    return read


def bad_commit(root: Path, rel: str, old: str, new: str, message: str) -> None:
    """A change committed with plain git: nobody signed it off."""
    edit(root, rel, old, new)
    git(root, "commit", "-qam", message)


def test_a_second_run_reads_only_new_commits_and_reports_as_a_whole_run(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): after a first run, a landed change, an
    unreviewed edit, a typed ``Reviewed-by`` after a landing with votes (judged by what
    the record carries), an acknowledgement, committed cache files (then one of them
    deleted) and an unreviewed change to the rules are judged alone, and the report is
    the whole run's, line for line and in the same order."""
    first, read = audit(repo_root)
    assert read == first.commits > 0
    assert same_as_full(repo_root) == 0  # nothing new: nothing read

    land_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    bad_commit(repo_root, SOP4, "before raising", "before placing", "Quick fix")
    assert same_as_full(repo_root) == 2  # the landing's votes are not on main's line
    carmen_acks(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    (repo_root / ".sopvault").mkdir(exist_ok=True)
    (repo_root / ".sopvault" / "snapshot.pickle").write_bytes(b"x")
    (repo_root / "search.pickle").write_bytes(b"y")
    git(repo_root, "add", "-f", ".sopvault/snapshot.pickle", "search.pickle")
    git(repo_root, "commit", "-qm", "Oops, caches")
    typed = "Typed sign-off\n\nReviewed-by: Bilal Okafor <bilal.okafor@harrowfinch.example>"
    bad_commit(repo_root, SOP4, "before placing", "before raising", typed)
    assert same_as_full(repo_root) == 3
    git(repo_root, "rm", "-q", "search.pickle")
    git(repo_root, "commit", "-qm", "Remove one cache")
    text = (repo_root / "sopvault.toml").read_text()
    (repo_root / "sopvault.toml").write_text(text + "\n# edited without review\n")
    git(repo_root, "commit", "-qam", "Edit the rules")
    assert same_as_full(repo_root) == 2
    report, _ = audit(repo_root)
    reasons = [v.reason.value for v in report.violations]
    assert {"unreviewed", "local state committed"} <= set(reasons)
    assert len(reasons) > 3 and report.acks == 1
    state = [v.paths for v in report.violations if v.reason.value == "local state committed"]
    assert state == [(".sopvault/snapshot.pickle",)]


def test_a_rewritten_history_is_read_whole(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): when the recorded commit is no longer on
    main's line (a reset, an amended commit, a rebase), everything is read again."""
    act_as(monkeypatch, "Hana Sato")
    bad_commit(repo_root, SOP3, "Export the stock", "Print the stock", "Unreviewed one")
    first, _ = audit(repo_root)
    git(repo_root, "reset", "-q", "--hard", "HEAD~1")
    bad_commit(repo_root, SOP4, "before raising", "before placing", "Unreviewed two")
    report, read = audit(repo_root)
    assert read == report.commits == first.commits
    assert same_as_full(repo_root) == 0
    git(repo_root, "commit", "-q", "--amend", "-m", "Unreviewed two, amended")
    report, read = audit(repo_root)
    assert read == report.commits
    assert same_as_full(repo_root) == 0


def test_changed_rules_or_sopvault_or_keys_read_everything_again(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): a record holds only under what judged it:
    the working copy's rules, sopvault's version and rule sources, and the signature
    environment (a listed key may turn a verdict)."""
    whole, _ = audit(repo_root)
    assert audit(repo_root)[1] == 0
    config = repo_root / "sopvault.toml"
    person = '\n[people.zed]\nname = "Zed Lane"\nemail = "zed.lane@harrowfinch.example"\n'
    config.write_text(config.read_text() + person)
    assert audit(repo_root)[1] == whole.commits
    assert audit(repo_root)[1] == 0
    monkeypatch.setattr(prefix, "__version__", "99.0")
    assert audit(repo_root)[1] == whole.commits
    allowed = repo_root.parent / "allowed_signers"
    allowed.write_text("someone@example.com ssh-ed25519 AAAA\n")
    git(repo_root, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    assert audit(repo_root)[1] == whole.commits
    assert audit(repo_root)[1] == 0
    allowed.write_text("someone-else@example.com ssh-ed25519 AAAA\n")
    assert audit(repo_root)[1] == whole.commits
    assert same_as_full(repo_root) == 0


def record_file(root: Path) -> Path:
    return workspace_at(root).vault.state_dir / "cache" / verified.RECORD_NAME


def test_a_forged_or_foreign_record_is_ignored(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): a record edited by hand (violations taken
    out), one signed under another key (a cache folder from elsewhere), a truncated one
    and one of the wrong shape are ignored: the whole history is read and the violations
    are reported."""
    act_as(monkeypatch, "Hana Sato")
    bad_commit(repo_root, SOP3, "Export the stock", "Print the stock", "Unreviewed")
    whole, _ = audit(repo_root)
    assert whole.violations
    path = record_file(repo_root)
    data = path.read_bytes()
    head, mac, body = data.split(b"\n", 2)
    loaded = json.loads(body)
    loaded["content"]["signoffs"] = []
    forged = json.dumps(loaded, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join([head, mac, forged]))
    assert audit(repo_root) == (whole, whole.commits)
    # Signed under another key: a record written elsewhere and copied here.
    key = verified.key_folder() / verified.KEY_NAME
    ours = key.read_bytes()
    key.write_bytes(b"k" * 32)
    verified.write_record(
        path.parent, b"k" * 32, prefix.record_key(workspace_at(repo_root)), loaded["content"]
    )
    key.write_bytes(ours)
    assert audit(repo_root) == (whole, whole.commits)
    for junk in (data[:-10], b"", b"sopvault-verified 1\nnot a mac\n{}"):
        path.write_bytes(junk)
        assert audit(repo_root) == (whole, whole.commits)
    secret = verified.secret_key()
    assert secret is not None
    record_key = prefix.record_key(workspace_at(repo_root))
    verified.write_record(path.parent, secret, record_key, {"tip": 1})
    assert audit(repo_root) == (whole, whole.commits)
    assert audit(repo_root) == (whole, 0)


def test_grafts_after_a_record_still_refuse(repo_root: Path) -> None:
    """Issue 17 (speed: verify's second run): grafts added after a run make verify say it
    cannot tell, as a whole run does; the record is not used to answer."""
    audit(repo_root)
    tip = git(repo_root, "rev-parse", "HEAD")
    grafts = Path(git(repo_root, "rev-parse", "--git-path", "info/grafts"))
    grafts = grafts if grafts.is_absolute() else repo_root / grafts
    grafts.parent.mkdir(parents=True, exist_ok=True)
    grafts.write_text(f"{tip}\n")
    with pytest.raises(IncompleteHistory):
        audit(repo_root)
    grafts.unlink()
    assert audit(repo_root)[1] == 0


def test_since_and_rev_runs_leave_the_record_alone(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): ``--since`` reads what it is asked and writes
    no record; an unknown ``--rev`` is still refused."""
    act_as(monkeypatch, "Hana Sato")
    bad_commit(repo_root, SOP3, "Export the stock", "Print the stock", "Unreviewed one")
    bad_commit(repo_root, SOP4, "before raising", "before placing", "Unreviewed two")
    whole, _ = audit(repo_root)
    path = record_file(repo_root)
    before = path.read_bytes()
    assert Audit(workspace_at(repo_root)).verify(since="HEAD~1").commits == 1
    assert path.read_bytes() == before
    with pytest.raises(RevisionError):
        Audit(workspace_at(repo_root)).verify(rev="no-such-rev")
    assert audit(repo_root) == (whole, 0)


def test_a_change_through_a_link_after_a_record_is_judged(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): a document that is a symbolic link, made
    after a record and then edited through its text file, is judged as a whole run
    judges it (the record keeps the links; the vault's files are read when one exists)."""
    audit(repo_root)
    front = '+++\nid = "SOP-900"\ntitle = "Linked"\nkind = "procedure"\n+++\n\n'
    (repo_root / "notes").mkdir()
    (repo_root / "notes" / "linked.txt").write_text(front + "1. Check the valve.\n")
    (repo_root / "procedures" / "linked.md").symlink_to("../notes/linked.txt")
    git(repo_root, "add", "-A")
    git(repo_root, "commit", "-qm", "Add a linked procedure")
    assert same_as_full(repo_root) == 1
    (repo_root / "notes" / "linked.txt").write_text(front + "1. Skip the valve.\n")
    git(repo_root, "commit", "-qam", "Edit behind the link")
    assert same_as_full(repo_root) == 1
    report, _ = audit(repo_root)
    assert ("procedures/linked.md",) in [v.paths for v in report.violations]


def test_an_ack_naming_a_landing_off_mains_line_is_judged_as_a_whole_run_judges_it(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): an "approval" made on a side branch and
    merged with plain git is not a landing of main's own line; an acknowledgement naming
    it, added after a record, is refused exactly as a whole run refuses it, while one
    naming a landing the record holds passes."""
    land_sop3(repo_root, monkeypatch)
    path = carmen_acks(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    git(repo_root, "switch", "-q", "-c", "side")
    bad_commit(
        repo_root,
        SOP3,
        "Download the stock",
        "Fetch the stock",
        "Side approval\n\nSOP-Id: SOP-003\nSOP-Version: 2.9\n"
        "Reviewed-by: Bilal Okafor <bilal.okafor@harrowfinch.example>",
    )
    side = git(repo_root, "rev-parse", "HEAD")
    side_blob = git(repo_root, "rev-parse", f"HEAD:{SOP3}")
    git(repo_root, "switch", "-q", "main")
    git(repo_root, "merge", "-q", "--no-ff", "--no-edit", "side")
    audit(repo_root)
    text = (repo_root / path).read_text()
    landed = text.split('landed = "')[1][:40]
    blob = text.split('blob = "')[1][:40]
    version = text.split('version = "')[1].split('"')[0]
    forged = path.replace(path[-13:-5], "00000002").replace(f"@{version}", "@2.9")
    (repo_root / forged).parent.mkdir(parents=True, exist_ok=True)
    crafted = text.replace(landed, side).replace(blob, side_blob)
    (repo_root / forged).write_text(crafted.replace(f'"{version}"', '"2.9"'))
    act_as(monkeypatch, "Carmen Ruiz")
    git(repo_root, "add", forged)
    git(repo_root, "commit", "-qm", "Ack of the side approval")
    assert same_as_full(repo_root) == 1
    report, _ = audit(repo_root)
    found = [(v.reason.value, v.paths) for v in report.violations if v.paths == (forged,)]
    assert found == [("acknowledged revision not approved", (forged,))]
    assert not [v for v in report.violations if v.paths == (path,)]


def test_main_read_from_the_files_is_trusted_only_at_the_recorded_commit(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (speed: verify's second run): with nothing new, main's commit is read
    from the repository's files, loose or packed, and git is not asked for it; when main
    moved (a commit, a reset by ``update-ref``, with its ref packed or loose) the new
    commits are read and the report is a whole run's."""
    act_as(monkeypatch, "Hana Sato")
    bad_commit(repo_root, SOP3, "Export the stock", "Print the stock", "Unreviewed one")
    checker = Audit(workspace_at(repo_root))
    checker.verify()
    assert checker.read > 0
    checker.verify()
    assert checker.read == 0  # answered from the record
    asked: list[str] = []
    original = Repo.rev

    def spy(repo: Repo, name: str) -> str | None:
        asked.append(name)
        return original(repo, name)

    monkeypatch.setattr(Repo, "rev", spy)
    git(repo_root, "pack-refs", "--all")
    assert audit(repo_root)[1] == 0 and asked == []
    bad_commit(repo_root, SOP4, "before raising", "before placing", "Unreviewed two")
    assert same_as_full(repo_root) == 1 and asked
    git(repo_root, "pack-refs", "--all")
    git(repo_root, "update-ref", "refs/heads/main", "HEAD~1")  # loose again, moved back
    git(repo_root, "reset", "-q", "--hard")
    report, read = audit(repo_root)
    assert read == report.commits  # the recorded commit is off main's line: all again
    assert same_as_full(repo_root) == 0
