"""The Click command tree through Click's CliRunner: groups, --vault anywhere, forgiving
choices, ids in any case, plurals and column headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sopvault.cli import main
from sopvault.cli.app import cli


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_vault_is_accepted_before_and_after_the_command(sample_path: Path) -> None:
    before = invoke("--vault", str(sample_path), "check")
    after = invoke("check", "--vault", str(sample_path))
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output
    assert "38 documents checked: 0 errors, 2 warnings, 0 files skipped" in after.output
    inside = invoke("runs", "--vault", str(sample_path), "list", "--json")
    assert inside.exit_code == 0 and json.loads(inside.output) == []


def test_the_vault_comes_from_the_environment_unless_typed(
    sample_path: Path, tmp_path: Path
) -> None:
    result = invoke("list", "--kind", "policy", env={"SOPVAULT_VAULT": str(sample_path)})
    assert result.exit_code == 0 and result.output.startswith("POL-001")
    typed = invoke(
        "list", "--vault", str(sample_path), env={"SOPVAULT_VAULT": str(tmp_path / "nowhere")}
    )
    assert typed.exit_code == 0 and "SOP-010" in typed.output


@pytest.mark.parametrize(
    "typed", ["work_instruction", "work-instruction", "Work Instruction", "WI", "wi"]
)
def test_kinds_accept_the_words_people_type(sample_path: Path, typed: str) -> None:
    result = invoke("list", "--vault", str(sample_path), "--kind", typed)
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()] == [
        f"WI-00{i}" for i in range(1, 6)
    ]


def test_sop_means_procedure_and_statuses_are_forgiving(sample_path: Path) -> None:
    sop = invoke("list", "--vault", str(sample_path), "--kind", "SOP", "--status", "effective")
    assert sop.exit_code == 0 and all(" procedure " in line for line in sop.output.splitlines())
    for typed in ("in-review", "in review", "IN_REVIEW"):
        result = invoke("list", "--vault", str(sample_path), "--status", typed, "--json")
        assert result.exit_code == 0, typed
        assert all(doc["status"] == "in_review" for doc in json.loads(result.output))


def test_an_unknown_kind_is_a_usage_error_naming_the_choices(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["list", "--vault", str(sample_path), "--kind", "memo"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "work_instruction" in err and "sopvault list --help" in err


def test_ids_match_in_any_case_and_unknown_ones_get_a_suggestion(sample_path: Path) -> None:
    result = invoke("show", "sop-010", "--vault", str(sample_path))
    assert result.exit_code == 0 and "Leach and crystallise sulphate of potash" in result.output
    missing = CliRunner().invoke(cli, ["show", "SOP-10", "--vault", str(sample_path)])
    assert missing.exit_code == 1
    assert (
        missing.stderr == "sopvault: error: no document with id 'SOP-10'; did you mean SOP-010?\n"
    )
    far = CliRunner().invoke(cli, ["show", "NOPE-1", "--vault", str(sample_path)])
    assert far.stderr == "sopvault: error: no document with id 'NOPE-1'\n"


def test_runs_is_a_real_group(demo_path: Path) -> None:
    vault = ["--vault", str(demo_path)]
    assert "start" in invoke("runs", "--help").output
    mark_help = invoke("runs", "mark", "--help").output
    assert "--value" in mark_help and "--reason" in mark_help
    abort = CliRunner().invoke(cli, ["runs", "abort", "X", "--value", "3", *vault])
    assert abort.exit_code == 2 and "No such option '--value'" in abort.output
    run_id = invoke("runs", "start", "sop-010", *vault).output.strip()
    listing = invoke("runs", *vault)
    header, row = listing.output.splitlines()[:2]
    assert header.split() == ["RUN", "DOCUMENT", "STATE", "STEPS", "STARTED", "BY", "NOTE"]
    assert row.startswith(run_id) and "SOP-010" in row and "0/7" in row
    assert invoke("runs", "SOP-010", "--open", *vault).output == listing.output
    assert invoke("runs", "list", "sop-010", *vault).output == listing.output
    aborted = invoke("runs", "abort", run_id, "--reason", "wrong tank", *vault)
    assert aborted.exit_code == 0 and f"run {run_id} aborted" in aborted.output


def test_reviews_and_history_have_aligned_columns(demo_path: Path) -> None:
    vault = ["--vault", str(demo_path)]
    listing = invoke("reviews", *vault).output.splitlines()
    assert listing[0].split()[:3] == ["N", "DOCUMENTS", "AUTHOR"]
    assert "Alice Moreno" in listing[1]
    assert invoke("reviews", "list", *vault).output.splitlines() == listing
    assert invoke("reviews", "--state", "APPROVED", *vault).exit_code == 0
    history = invoke("history", "sop-003", *vault).output.splitlines()
    assert history[0].split()[:4] == ["VERSION", "DATE", "COMMIT", "AUTHOR"]
    starts = {line.index(line.split()[1]) for line in history}
    assert len(starts) == 1  # the DATE column starts at one place on every line
    assert [line.split()[0] for line in history[1:]] == ["2.2", "2.1", "2.0"]


def test_counts_are_plural_only_when_they_should_be(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "ops"))
    vault = ["--vault", str(tmp_path / "ops")]
    invoke("new", "sop", "--title", "Receive goods", *vault)
    checked = invoke("check", *vault)
    assert "1 document checked: 0 errors" in checked.output
    assert invoke("index", "--rebuild", *vault).output == "search index built: 1 document\n"


@pytest.mark.parametrize("command", [["reject", "1"], ["propose", "SOP-003"]])
def test_a_required_message_is_a_usage_error(demo_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--vault", str(demo_path), *command])
    assert result.exit_code == 2
    assert "Missing option '-m' / '--message'" in result.output


def test_the_demo_goes_into_a_folder_named_relative_to_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("demo", "relative")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "relative" / ".git").is_dir()
    assert invoke("--vault", "relative", "verify").exit_code == 0


@pytest.mark.parametrize(
    "command",
    [
        ["history", "SOP-99"],
        ["diff", "sop-99"],
        ["propose", "sop-99", "-m", "x"],
        ["restore", "sop-99", "--to", "1.0"],
        ["runs", "list", "SOP-99"],
    ],
)
def test_every_command_taking_an_id_says_did_you_mean(demo_path: Path, command: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--vault", str(demo_path), *command])
    assert result.exit_code == 1
    assert "no document with id" in result.output and "did you mean SOP-009?" in result.output


def test_proposals_run_ids_and_marks_in_any_case(demo_path: Path) -> None:
    shown = invoke("--vault", str(demo_path), "reviews", "show", "wi-004/6")
    assert shown.exit_code == 0 and shown.output.startswith("proposal 6 (open): WI-004 1.1")
    started = invoke("--vault", str(demo_path), "runs", "start", "sop-010", "--json")
    run_id = json.loads(started.output)["id"]
    marked = invoke(
        "--vault", str(demo_path), "runs", "mark", run_id.upper(), "1", "DONE", "--value", "yes"
    )
    assert marked.exit_code == 0, marked.output
    history = invoke("--vault", str(demo_path), "history", "sop-003")
    assert history.exit_code == 0 and "2.2" in history.output


def test_short_reading_commands_pause_the_garbage_collector_and_give_it_back(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (speed of `due`): a short command that only reads runs without cyclic
    collections (its objects live until the process ends); a long one keeps them; either
    way the collector is on again after it, even when the command fails."""
    import gc

    from sopvault.cli.app import _command_of

    assert _command_of(["--vault", "due", "list"]) == "list"
    assert _command_of(["--vault=x", "-h"]) is None
    assert _command_of(["due", "--mine"]) == "due"
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        assert main(["--vault", str(sample_path), "list"]) == 0
        quick = len(collections)
        assert main(["--vault", str(sample_path), "check"]) == 0
        assert main(["--vault", str(sample_path), "show", "NOPE-1"]) != 0
    finally:
        gc.callbacks.remove(count)
    assert quick == 0 and len(collections) > 0
    assert gc.isenabled()
    capsys.readouterr()
