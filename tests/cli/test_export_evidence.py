"""Issue 16 (export evidence): the evidence pack for an audit, made from the demo's real
repository and small vaults made here: what it holds for a period, checked against the
repository with the real ``sha256sum -c`` and ``git cat-file``, a period with nothing in
it, refusals, and hostile text kept inert."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sopvault.cli.app import main
from sopvault.services.acks import Acknowledgements
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from tests.conftest import act_as, workspace_at
from tests.hostile import assert_inert

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
DEMO_REVISIONS = ["SOP-003@2.1", "SOP-009@3.2", "POL-003@4.0", "SOP-003@2.2"]


def git(root: Path, *args: str) -> bytes:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def export(root: Path, out: Path, *args: str) -> int:
    return main(["--vault", str(root), "export", "evidence", *args, str(out)])


def run_with_a_deviation(root: Path, note: str = "sensor T-3 read high") -> str:
    """A completed run of SOP-010 whose step 2 (70 °C, above 55 to 65) is a deviation."""
    runs = Runs(workspace_at(root))
    run_id = runs.start("SOP-010", roles={"lab technician": "Erin Walsh"}).run.id
    runs.mark(run_id, 1, "done", value="yes")
    runs.mark(run_id, 2, "done", value="70", note=note)
    for number, value in ((3, None), (4, None), (5, None), (6, "pass")):
        runs.mark(run_id, number, "done", value=value)
    runs.complete(run_id)
    return run_id


def manifest(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in data["files"]}


def check_against_repository(out: Path, repo: Path) -> dict[str, dict[str, object]]:
    """What an auditor does: ``sha256sum -c`` passes, every file is in the manifest and
    SHA256SUMS, every commit and blob named is in the repository, and each copy is its
    blob's bytes exactly (``git cat-file -p``)."""
    done = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=out, capture_output=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    listed = manifest(out)
    assert files - set(listed) == {"manifest.json", "SHA256SUMS"}
    summed = {line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert summed == files - {"SHA256SUMS"}
    for path, entry in listed.items():
        for sha in [*entry["commits"], *entry["blobs"]]:  # type: ignore[misc]
            git(repo, "cat-file", "-e", str(sha))
        if entry["copy"]:
            (blob,) = entry["blobs"]  # type: ignore[misc]
            assert git(repo, "cat-file", "-p", str(blob)) == (out / path).read_bytes(), path
            assert git(repo, "show", str(entry["source"])) == (out / path).read_bytes(), path
    return listed


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_a_period_with_approvals_runs_a_deviation_and_acks(
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 16 (export evidence): the demo's four approvals since March, a run with a
    deviation and an acknowledgement are in the pack; runs' logs are main's bytes; the
    pack passes ``sha256sum -c`` and its blob ids are the repository's; the working copy
    (an unapproved edit, a deleted run log) changes nothing in it."""
    run_id = run_with_a_deviation(demo_path)
    act_as(monkeypatch, "Carmen Ruiz")
    ack = Acknowledgements(workspace_at(demo_path)).record("SOP-003")
    tip = git(demo_path, "rev-parse", "main").decode().strip()
    log = f"runs/SOP-010/{run_id}.jsonl"
    committed_log = git(demo_path, "show", f"main:{log}")
    (demo_path / log).unlink()  # read from main, never the working copy
    sop3 = demo_path / SOP3
    sop3.write_text(sop3.read_text(encoding="utf-8") + "\nAn unapproved edit.\n", "utf-8")
    out = tmp_path / "pack"

    assert export(demo_path, out, "--since", "2026-03-01") == 0
    said = capsys.readouterr()
    assert f"from main at {tip[:10]}: 4 revisions approved, 1 run (1 deviation)" in said.out

    listed = check_against_repository(out, demo_path)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["main"] == {"branch": "main", "commit": tip}
    assert [f"{r['id']}@{r['version']}" for r in summary["revisions"]] == DEMO_REVISIONS
    assert summary["runs"] == [
        {"id": run_id, "document": "SOP-010", "state": "completed", "deviations": 1}
    ]
    assert summary["acknowledgements"] == 1 and summary["verify"]["violations"] == 0
    assert (out / f"runs/SOP-010/{run_id}.jsonl").read_bytes() == committed_log
    report = (out / f"runs/SOP-010/{run_id}.txt").read_text()
    assert f"run {run_id}: SOP-010" in report and "sensor T-3 read high" in report
    runs_txt = (out / "runs.txt").read_text()
    assert "Deviations recorded: 1" in runs_txt
    assert f"SOP-010 {run_id} step 2: 70 °C is above the maximum" in runs_txt

    approved = out / "revisions/SOP-003@2.2"
    blob = git(demo_path, "rev-parse", f"main:{SOP3}").decode().strip()
    assert listed["revisions/SOP-003@2.2/document.md"]["blobs"] == [blob]
    assert b"An unapproved edit" not in (approved / "document.md").read_bytes()
    revision = json.loads((approved / "revision.json").read_text())
    assert [s["reviewer"] for s in revision["sign_offs"]] != []
    assert revision["diff"]["id"] == "SOP-003" and revision["new_blob"] == blob
    text = (approved / "revision.txt").read_text()
    assert "Sign-offs" in text and "Reviewed-by: " in text and "Metadata" in text
    assert (approved / "diff.patch").read_text().startswith("diff --git")

    acks = json.loads((out / "acknowledgements.json").read_text())
    assert [(a["person"], a["document"], a["version"]) for a in acks] == [
        (str(ack.person), "SOP-003", "2.2")
    ]
    assert acks[0]["signed"] is False and acks[0]["counts"] is True
    assert acks[0]["commit"] == ack.commit
    assert "not signed; counts" in (out / "acknowledgements.txt").read_text()

    verify = json.loads((out / "verify.json").read_text())
    assert main(["--vault", str(demo_path), "verify", "--json"]) == 0
    assert verify == {"commit": tip, **json.loads(capsys.readouterr().out)}
    readme = (out / "README.txt").read_text()
    assert f"Made from:   main at commit {tip}" in readme
    assert "sha256sum -c SHA256SUMS" in readme and "git cat-file -p <blob>" in readme


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_a_period_with_nothing_in_it(demo_path: Path, tmp_path: Path) -> None:
    """Issue 16 (export evidence): June 2026 saw no approval, run or acknowledgement: the
    pack says so, still holds verify's audit of the whole history, and checks out."""
    out = tmp_path / "empty"
    out.mkdir()  # an empty folder is taken
    assert export(demo_path, out, "--since", "2026-06-01", "--until", "2026-06-30") == 0
    check_against_repository(out, demo_path)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["revisions"] == [] and summary["runs"] == []
    assert summary["acknowledgements"] == 0
    assert summary["period"]["start"] == "2026-06-01T00:00:00+00:00"
    assert summary["period"]["end"] == "2026-06-30T23:59:59+00:00"
    assert not (out / "revisions").exists()
    readme = (out / "README.txt").read_text()
    assert "0 revisions approved" in readme and "ok, no violations" in readme


def test_the_period_is_read_in_the_vaults_time_zone(demo_path: Path, tmp_path: Path) -> None:
    """Issue 16 (export evidence): with ``[vault] timezone`` set, a bare date is that
    day in that zone (as ``--as-of`` reads it): SOP-003 2.1 landed 10:15 UTC on 12 March,
    which is 12 March in Tokyo, and is the one revision of that day there."""
    config = demo_path / "sopvault.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[vault]\n", '[vault]\ntimezone = "Asia/Tokyo"\n', 1))
    if "Asia/Tokyo" not in config.read_text(encoding="utf-8"):
        config.write_text('[vault]\ntimezone = "Asia/Tokyo"\n' + text, encoding="utf-8")
    out = tmp_path / "tokyo"
    assert export(demo_path, out, "--since", "2026-03-12", "--until", "2026-03-12") == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [r["folder"] for r in summary["revisions"]] == ["revisions/SOP-003@2.1"]
    assert summary["period"]["start"] == "2026-03-12T00:00:00+09:00"


def test_refusals_leave_everything_as_it_was(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (export evidence): a pack is never written over anything (a folder with a
    file, a file, a symbolic link), nor inside the vault; a bad date names its option and
    the two forms; a period that ends before it starts is refused. One line each, exit 1,
    nothing written."""
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "old.txt").write_text("earlier evidence")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    cases = [
        (busy, ("--since", "2026-03-01"), "is not empty"),
        (a_file, ("--since", "2026-03-01"), "is not a folder"),
        (link, ("--since", "2026-03-01"), "is not a folder"),
        (demo_path / "pack", ("--since", "2026-03-01"), "is inside the vault"),
        (tmp_path / "p1", ("--since", "2026-13-01"), "--since '2026-13-01' is not a real date"),
        (tmp_path / "p2", ("--since", "March"), "--since 'March' is not a date; give a date"),
        (tmp_path / "p3", ("--since", "2026-03-01", "--until", "2026-02-01"), "ends"),
        (tmp_path / "p4", ("--since", "2999-01-01"), "is in the future"),
    ]
    before = sorted(p.name for p in tmp_path.iterdir())
    for out, args, words in cases:
        assert export(demo_path, out, *args) == 1, out
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (busy / "old.txt").read_text() == "earlier evidence"
    assert not (demo_path / "pack").exists()


HOSTILE = "\x1b[31mred\x1b]0;pwned\x07 <script>alert(1)</script> \u202eevil"


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_hostile_text_stays_inert_and_no_path_leaves_the_pack(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (export evidence): a title, a step and a body holding terminal escapes,
    markup and bidi controls, approved as a revision, and a run note holding them: every
    text file of the pack is inert, the copies keep git's bytes; a run log under a name
    that is no id, and a symbolic link among the runs, stay out of the pack."""
    sop3 = demo_path / SOP3
    text = sop3.read_text(encoding="utf-8")
    escaped = json.dumps(HOSTILE)  # a TOML basic string takes JSON's \uXXXX escapes
    text = text.replace('title = "Review stock levels and reorder points"', f"title = {escaped}")
    text = text.replace(
        'action = "Export the stock report from the inventory system"',
        f"action = {json.dumps('Export the report ' + HOSTILE)}",
    )
    sop3.write_text(text + "\n" + HOSTILE + "\n", encoding="utf-8")
    act_as(monkeypatch, "Carmen Ruiz")
    number = DocumentControl(workspace_at(demo_path)).proposals.propose(["SOP-003"], HOSTILE)
    act_as(monkeypatch, "Bilal Okafor")
    assert DocumentControl(workspace_at(demo_path)).approvals.approve(str(number.number)).landed
    run_id = run_with_a_deviation(demo_path, note=HOSTILE)
    outside = tmp_path / "secret.jsonl"
    outside.write_text("secret\n")
    (demo_path / "runs/SOP-010/not an id.jsonl").write_text("{}\n")
    os.symlink(outside, demo_path / "runs/SOP-010/link.jsonl")
    git(demo_path, "add", "-A", "runs")
    git(demo_path, "commit", "-q", "-m", "Odd files among the runs")

    out = tmp_path / "pack"
    assert export(demo_path, out, "--since", "2026-11-01") == 0
    check_against_repository(out, demo_path)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    assert {n for n in names if n.startswith("runs/")} == {
        "runs/SOP-010",
        f"runs/SOP-010/{run_id}.jsonl",
        f"runs/SOP-010/{run_id}.txt",
    }
    for path in out.rglob("*.txt"):
        assert_inert(path.read_text(encoding="utf-8"))
    for path in out.rglob("*.json"):
        assert_inert(path.read_text(encoding="utf-8"))
    revision = (out / "revisions/SOP-003@2.3/revision.txt").read_text(encoding="utf-8")
    assert "^[[31mred" in revision
    assert HOSTILE.encode() in (out / "revisions/SOP-003@2.3/document.md").read_bytes()
    assert "^[[31mred" in (out / f"runs/SOP-010/{run_id}.txt").read_text(encoding="utf-8")


def legacy_approval(root: Path, when: str, message: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Commit everything with plain git, as a sign-off made before votes were kept: the
    ``SOP-Id``/``SOP-Version``/``Reviewed-by`` trailers in the commit itself."""
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").decode().strip()


PROCEDURE = (
    '+++\nid = "SOP-1"\ntitle = "Count the pallets"\nkind = "procedure"\nversion = "{v}"\n'
    'status = "effective"\n\n[[steps]]\naction = "{action}"\n+++\nBody.\n'
)


def test_a_small_vault_made_by_hand_with_a_rename(
    empty_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (export evidence): a vault of one procedure approved in its first commit,
    then renamed and reworded in a second approval: the pack of the second one's day
    holds that revision alone, its diff from the text under the old name (the old blob
    is the first commit's), and the whole history's verify."""
    root = empty_vault
    (root / "procedures").mkdir()
    old = root / "procedures/count.md"
    old.write_text(PROCEDURE.format(v="1.0", action="Count the pallets"), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    trailers = "\n\nSOP-Id: SOP-1\nSOP-Version: {v}\nReviewed-by: Bilal Okafor <bilal@x.example>"
    first = legacy_approval(
        root, "2026-02-01T09:00:00+00:00", "Start" + trailers.format(v="1.0"), monkeypatch
    )
    old_blob = git(root, "rev-parse", f"{first}:procedures/count.md").decode().strip()
    old.unlink()
    new = root / "procedures/count-pallets.md"
    new.write_text(PROCEDURE.format(v="1.1", action="Count every pallet"), encoding="utf-8")
    second = legacy_approval(
        root, "2026-03-05T09:00:00+00:00", "Rename" + trailers.format(v="1.1"), monkeypatch
    )
    out = tmp_path / "pack"
    assert export(root, out, "--since", "2026-03-05", "--until", "2026-03-05") == 0
    if shutil.which("sha256sum"):
        check_against_repository(out, root)
    revision = json.loads((out / "revisions/SOP-1@1.1/revision.json").read_text())
    assert (revision["commit"], revision["parent"]) == (second, first)
    assert revision["old_blob"] == old_blob and revision["path"] == "procedures/count-pallets.md"
    assert [s["legacy"] for s in revision["sign_offs"]] == [True]
    assert revision["diff"]["old"].startswith("SOP-1 1.0")
    text = (out / "revisions/SOP-1@1.1/revision.txt").read_text()
    assert "[-Count the pallets-]" in text and "{+Count every pallet+}" in text
    assert "count.md" in (out / "revisions/SOP-1@1.1/diff.patch").read_text()
    assert json.loads((out / "verify.json").read_text())["commit"] == second


def test_ids_and_versions_from_trailers_never_name_a_path(
    empty_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (export evidence): a commit typed by hand whose trailers give a document
    id and a version that are paths (``../../evil``) is still listed, under a numbered
    folder inside the pack; nothing is written outside it."""
    root = empty_vault
    (root / "procedures").mkdir()
    (root / "procedures/count.md").write_text(
        PROCEDURE.format(v="1.0", action="Count the pallets"), encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    message = "Evil\n\nSOP-Id: ../../evil\nSOP-Version: ../../1\nReviewed-by: B <b@x.example>"
    legacy_approval(root, "2026-03-05T09:00:00+00:00", message, monkeypatch)
    out = tmp_path / "deep" / "pack"
    assert export(root, out, "--since", "2026-03-01") == 0
    summary = json.loads((out / "summary.json").read_text())
    assert [(r["id"], r["folder"]) for r in summary["revisions"]] == [
        ("../../evil", "revisions/revision-1")
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "v"]
    assert not [p for p in tmp_path.rglob("*evil*")]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["pack"]
    if shutil.which("sha256sum"):
        check_against_repository(out, root)


@pytest.mark.parametrize("line", ["garbage", "null", "[]", '{"type": "note", "at": "soon"}'])
def test_a_run_log_with_an_unreadable_line_is_listed_and_copied(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    """Issue 16 (export evidence): a committed run log with one line that cannot be read
    (garbage, ``null``, ``[]``, a bad time) is never left out silently: the pack lists it
    with ``sopvault runs``' own reason (file:line: problem), copies its bytes exactly as
    committed (in the manifest, as a copy), counts it, and a note goes to stderr."""
    runs = Runs(workspace_at(demo_path))
    run_id = runs.start("SOP-009").run.id
    runs.abort(run_id, reason="wrong tank")
    log = f"runs/SOP-009/{run_id}.jsonl"
    with open(demo_path / log, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    git(demo_path, "commit", "-q", "-am", "a hand edit")
    committed = git(demo_path, "show", f"main:{log}")
    assert main(["--vault", str(demo_path), "runs"]) == 0
    warned = capsys.readouterr().err
    reason = warned.split("warning: ", 1)[1].splitlines()[0]
    assert reason.startswith(f"{log}:") and run_id in reason
    out = tmp_path / "pack"

    assert export(demo_path, out, "--since", "2026-01-01") == 0
    said = capsys.readouterr()
    assert "1 unreadable run log" in said.out
    assert f"note: run log cannot be read, copied as committed: {reason}" in said.err
    assert (out / log).read_bytes() == committed
    if shutil.which("sha256sum"):
        listed = check_against_repository(out, demo_path)
        assert listed[log]["copy"] is True
    summary = json.loads((out / "summary.json").read_text())
    blob = git(demo_path, "rev-parse", f"main:{log}").decode().strip()
    assert summary["unreadable_runs"] == [{"log": log, "blob": blob, "reason": reason}]
    assert f"{log}: {reason}" in (out / "runs.txt").read_text()
    assert "1 run log cannot be read" in (out / "README.txt").read_text()


def test_a_revision_landed_by_the_root_commit_names_no_empty_tree(
    empty_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 (export evidence): a revision whose landing is the repository's first
    commit has no parent: revision.txt says "root commit", revision.json's parent is
    null, and every commit the manifest names is a commit (``git cat-file -t``), never
    git's empty tree."""
    root = empty_vault
    (root / "procedures").mkdir()
    (root / "procedures/count.md").write_text(
        PROCEDURE.format(v="1.0", action="Count the pallets"), encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    trailers = "\n\nSOP-Id: SOP-1\nSOP-Version: 1.0\nReviewed-by: Bilal Okafor <bilal@x.example>"
    first = legacy_approval(root, "2026-02-01T09:00:00+00:00", "Start" + trailers, monkeypatch)
    out = tmp_path / "pack"
    assert export(root, out, "--since", "2026-02-01") == 0
    text = (out / "revisions/SOP-1@1.0/revision.txt").read_text()
    assert f"landing:     commit {first} (root commit)" in text
    revision = json.loads((out / "revisions/SOP-1@1.0/revision.json").read_text())
    assert (revision["commit"], revision["parent"]) == (first, None)
    named = {str(c) for entry in manifest(out).values() for c in entry["commits"]}  # type: ignore[attr-defined]
    assert first in named
    for sha in named:
        assert git(root, "cat-file", "-t", sha).strip() == b"commit", sha
    assert b"4b825dc642cb6eb9a060e54bf8d69288fbee4904" not in b"".join(
        p.read_bytes() for p in out.rglob("*") if p.is_file()
    )
