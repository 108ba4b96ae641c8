"""Issue 16 (import): ``sopvault import`` on pages made the way Obsidian, MkDocs and Hugo
make them, into a copy of the sample vault in a real git repository; the drafts are read
back with the real parser and judged by the real ``sopvault check``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from sopvault.core.parse import parse_bytes, parse_text
from tests.conftest import write
from tests.hostile import run_inert
from tests.importpages import HUGO_PAGE, mkdocs_project, obsidian_vault

LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def run(capsys: pytest.CaptureFixture[str], vault: Path, *args: str) -> tuple[int, str, str]:
    """One command in-process on ``vault``: exit code, stdout, stderr (both inert)."""
    return run_inert(capsys, "--vault", str(vault), *args)


def imported(capsys: pytest.CaptureFixture[str], vault: Path, *args: str) -> dict[str, object]:
    code, out, _ = run(capsys, vault, "import", "--json", *args)
    data = json.loads(out)
    assert isinstance(data, dict)
    data["exit"] = code
    return data


def front_of(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    result = parse_text(path.name, text)
    assert result.document is not None, result.findings
    return tomllib.loads(result.document.front_text), result.document.body


def new_findings(capsys: pytest.CaptureFixture[str], vault: Path, paths: list[str]) -> list[str]:
    """The codes ``sopvault check --json`` reports for the new files."""
    code, out, _ = run(capsys, vault, "check", "--json")
    findings = json.loads(out)["findings"]
    return [f["code"] for f in findings if f["path"] in paths]


def git_status(vault: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(vault), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_an_obsidian_vault_becomes_drafts_with_its_links_rewritten(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): YAML front matter, tag lists, wiki links, nested folders, an
    attachment; kinds from the folders, fresh ids after the vault's own, nothing committed."""
    source = obsidian_vault(tmp_path / "Plant notes")
    data = imported(capsys, sample_path, str(source), "--map", "Daily=form")
    assert data["exit"] == 0 and data["committed"] is False and not data["refused"]
    by_source = {c["recorded_as"]: c for c in data["created"]}  # type: ignore[attr-defined]
    tank = by_source["Plant notes/Procedures/Tank cleaning.md"]
    sump = by_source["Plant notes/Procedures/Instructions/Sump check.md"]
    rules = by_source["Plant notes/Policies/Safety rules.md"]
    daily = by_source["Plant notes/Daily/2024-03-01.md"]
    assert (tank["id"], tank["kind"], tank["steps"]) == ("SOP-012", "procedure", 3)
    assert (sump["kind"], sump["path"]) == ("work_instruction", sump["path"])
    assert sump["id"].startswith("WI-") and rules["id"].startswith("POL-")
    assert (daily["kind"], daily["title"]) == ("form", "2024 03 01")
    assert data["left_out"] == [
        {
            "path": str(source / "attachments" / "tank-drawing.png"),
            "reason": "not a Markdown file (.md, .markdown)",
        }
    ]
    front, body = front_of(sample_path / tank["path"])
    assert front["title"] == "Clean the leach tank" and front["status"] == "draft"
    assert front["version"] == "0.1" and front["tags"] == ["cleaning", "plant"]
    assert front["owner"] == "dmitri"
    assert front["imported"] == {
        "source": "Plant notes/Procedures/Tank cleaning.md",
        "format": "yaml",
        "sha256": front["imported"]["sha256"],  # type: ignore[index]
        "front_matter": {
            "aliases": ["tank clean"],
            "created": __import__("datetime").date(2024, 3, 1),
            "rating": 4,
        },
    }
    steps = front["steps"]
    assert isinstance(steps, list)
    assert steps[0] == {"action": "Drain the tank through the bottom valve until it is empty."}
    assert steps[1]["substeps"] == ["twice", "from the top down"]
    sump_link = f"../work-instructions/{Path(sump['path']).name}"
    assert steps[2] == {
        "action": f"Check the sump with [Sump check]({sump_link}).",
        "details": "Write the result in the log.",
    }
    rules_link = f"../policies/{Path(rules['path']).name}"
    assert f"Read [Safety rules]({rules_link}) first" in body
    assert f"[the PPE rules]({rules_link}#gloves-and-goggles)" in body
    assert "![[tank-drawing.png]]" in body and "[[Missing page]]" in body
    missing = [f for f in data["findings"] if f["code"] == "link-not-imported"]  # type: ignore[attr-defined]
    assert [(f["path"], f["message"]) for f in missing] == [
        (tank["path"], "link to [[Missing page]] left as it was: that page was not imported")
    ]
    lines = (sample_path / tank["path"]).read_text(encoding="utf-8").split("\n")
    assert "[[Missing page]]" in lines[missing[0]["line"] - 1]
    assert "`[[Safety rules]]`" in body and "## Steps" not in body and "1. Drain" not in body
    _, rules_body = front_of(sample_path / rules["path"])
    assert f"[the cleaning procedure](../procedures/{Path(tank['path']).name})" in rules_body
    for new in data["created"]:  # type: ignore[attr-defined]
        for target, _ in LINK.findall((sample_path / new["path"]).read_text(encoding="utf-8")):
            assert (sample_path / new["path"]).parent.joinpath(target).is_file(), target
    paths = [c["path"] for c in data["created"]]  # type: ignore[attr-defined]
    codes = new_findings(capsys, sample_path, paths)
    assert set(codes) <= {"step-verb", "empty-procedure"}, codes
    assert codes.count("empty-procedure") == 0
    assert all(line.startswith("??") for line in git_status(sample_path).splitlines())


def test_a_mkdocs_folder_imports_with_relative_links_rewritten(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): MkDocs pages without front matter, ``# Title`` headings, kinds
    from ``procedures/``, ``policies/`` and ``--map docs=policy``; relative links to pages
    imported are rewritten, to anything else left; ``sopvault check`` passes."""
    project = mkdocs_project(tmp_path / "handbook")
    code, out, _ = run(capsys, sample_path, "import", str(project / "docs"), "--map", "docs=policy")
    assert code == 0, out
    ids = dict(re.findall(r"docs/(\S+\.md) -> (\S+) ", out))
    assert set(ids) == {"index.md", "procedures/receive-goods.md", "policies/quality.md"}
    assert "Nothing is committed" in out and "sopvault propose" in out
    created = {p.name: p for p in sample_path.rglob("*.md") if "import" in p.read_text()}
    receive = next(p for name, p in created.items() if "receive-goods" in name)
    quality = next(p for name, p in created.items() if "quality-policy" in name)
    index = next(p for name, p in created.items() if "plant-handbook" in name)
    front, body = front_of(receive)
    assert front["title"] == "Receive goods" and front["kind"] == "procedure"
    assert [s["action"] for s in front["steps"]] == [  # type: ignore[attr-defined]
        "Check the delivery note against the order.",
        "Weigh each pallet.",
        f"Record the weights, see [the quality policy](../policies/{quality.name}).",
    ]
    assert "![dock](../img/dock.png)" in body and "https://example.com/x.md" in body
    assert f"[Home](../policies/{index.name})" in body
    assert front["imported"]["format"] == "none"  # type: ignore[index]
    assert "front_matter" not in front["imported"]  # type: ignore[operator]
    _, index_body = front_of(index)
    assert f"[quality policy]({quality.name}#scope)" in index_body
    assert f"[receiving goods](../procedures/{receive.name})" in index_body
    assert "[README](../README.md)" in index_body
    code, out, _ = run(capsys, sample_path, "check")
    assert code == 0, out


def test_hugo_toml_pages_keep_their_other_fields_as_toml_values(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a Hugo page's TOML front matter: kind and owner used, the
    date-time, draft flag, weight and [params] kept with their TOML types."""
    write(tmp_path / "content", "blend.md", HUGO_PAGE)
    data = imported(capsys, sample_path, str(tmp_path / "content"))
    assert data["exit"] == 0
    (only,) = data["created"]  # type: ignore[misc]
    front, _ = front_of(sample_path / only["path"])
    assert front["review_every"] == "12 months" and front["owner"] == "dmitri"
    kept = front["imported"]["front_matter"]  # type: ignore[index]
    assert kept["draft"] is True and kept["weight"] == 3 and kept["params"] == {"shift": "night"}
    assert kept["date"].isoformat() == "2024-01-02T10:00:00+00:00"
    assert [s["action"] for s in front["steps"]] == ["Weigh the potash.", "Add it to the mixer."]


def test_bad_pages_are_refused_with_file_line_and_reason_and_the_others_import(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): malformed YAML, a ``!!python/object`` tag (refused, never run),
    YAML aliases that would blow up, a page with no kind; a page with no front matter and
    no heading is titled from its file name; exit 1 and the good pages are written."""
    pages = tmp_path / "pages"
    write(pages, "broken.md", "---\ntitle: [unclosed\nowner: x\n---\n# B\n")
    proof = tmp_path / "ran"
    write(pages, "object.md", f'---\nx: !!python/object/apply:os.system ["touch {proof}"]\n---\n')
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
        f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    write(pages, "bomb.md", bomb + "---\n")
    write(pages, "cooling-water_checks.md", "Look at the gauge every hour.\n")
    write(pages, "nokind/plain.md", "# Plain\n")
    code, out, _ = run(
        capsys,
        sample_path,
        "import",
        str(pages / "broken.md"),
        str(pages / "object.md"),
        str(pages / "bomb.md"),
        str(pages / "cooling-water_checks.md"),
        "--kind",
        "standard",
    )
    assert code == 1
    assert f"{pages / 'broken.md'}:3: YAML error:" in out
    assert f"{pages / 'object.md'}:2: YAML error: could not determine a constructor" in out
    assert f"{pages / 'bomb.md'}:1: the front matter has too many values" in out
    assert "1 draft created; 3 pages not imported" in out
    assert not proof.exists()
    made = next(sample_path.glob("standards/STD-*-cooling-water-checks.md"))
    front, body = front_of(made)
    assert front["title"] == "cooling water checks" and body == "Look at the gauge every hour.\n"
    code, out, _ = run(capsys, sample_path, "import", str(pages / "nokind"))
    assert code == 1
    assert "plain.md: no kind: give --kind KIND, --map FOLDER=KIND" in out


def test_dry_run_writes_nothing_and_names_what_it_would_create(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): ``--dry-run`` prints the old path -> new id mapping and the
    findings check would report, and leaves the vault as it was."""
    source = obsidian_vault(tmp_path / "notes")
    before = git_status(sample_path)
    listing = sorted(p for p in sample_path.rglob("*") if ".git" not in p.parts)
    code, out, _ = run(capsys, sample_path, "import", "--dry-run", str(source / "Procedures"))
    assert code == 0
    assert "would create (dry run):" in out and "Dry run: 2 drafts would be created" in out
    assert re.search(
        r"Tank cleaning\.md -> SOP-012 procedures/SOP-012-clean-the-leach-tank\.md", out
    )
    code, out, _ = run(
        capsys, sample_path, "import", "--dry-run", str(source / "Policies" / "Safety rules.md")
    )
    assert code == 0 and "-> POL-007 policies/POL-007-safety-rules.md (policy)" in out
    assert git_status(sample_path) == before
    assert sorted(p for p in sample_path.rglob("*") if ".git" not in p.parts) == listing


def test_ids_skip_numbers_taken_by_files_and_a_page_is_not_imported_twice(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a note named SOP-012-... holds its number (no later clash);
    importing the same page again is refused by its SHA-256, nothing is overwritten."""
    write(sample_path, "procedures/SOP-012-old-notes.md", "Notes, not a document.\n")
    write(tmp_path / "p", "procedures/a.md", "# A\n\n## Steps\n\n1. Check the stock.\n")
    data = imported(capsys, sample_path, str(tmp_path / "p"))
    assert [c["id"] for c in data["created"]] == ["SOP-013"]  # type: ignore[attr-defined]
    assert (
        sample_path / "procedures/SOP-012-old-notes.md"
    ).read_text() == "Notes, not a document.\n"
    again = imported(capsys, sample_path, str(tmp_path / "p"))
    assert again["exit"] == 1 and again["created"] == []
    assert again["refused"] == [
        {
            "source": str(tmp_path / "p" / "procedures" / "a.md"),
            "line": None,
            "reason": "imported before, as SOP-013: not imported again",
        }
    ]


def test_text_from_pages_stays_inert_and_hidden_characters_are_reported(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a title with an escape sequence and a bidi override prints
    inert (checked by ``run``), and the draft's hidden character is reported as check does."""
    write(tmp_path / "p", "policies/x.md", '---\ntitle: "Evil \\e[31m \\u202e title"\n---\nBody\n')
    code, out, _ = run(capsys, sample_path, "import", str(tmp_path / "p"))
    assert code == 0
    assert "^[[31m" in out and "<U+202E>" in out
    assert "[hidden-character]" in out


def test_symbolic_links_in_an_export_are_not_followed(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a link to a page outside the export, or to a folder, is left out
    and said so; nothing is read through it."""
    outside = write(tmp_path, "secret/secret.md", "# Secret\n")
    pages = tmp_path / "export" / "policies"
    write(pages, "real.md", "# Real\n")
    (pages / "link.md").symlink_to(outside)
    (pages / "folder").symlink_to(outside.parent)
    data = imported(capsys, sample_path, str(tmp_path / "export"))
    assert [c["title"] for c in data["created"]] == ["Real"]  # type: ignore[attr-defined]
    reasons = {Path(item["path"]).name: item["reason"] for item in data["left_out"]}  # type: ignore[attr-defined]
    assert reasons == {
        "folder": "a symbolic link: not followed",
        "link.md": "a symbolic link: not followed",
    }


def test_importing_the_vault_itself_copies_none_of_its_documents(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): ``sopvault import .`` by mistake: the vault's documents and
    templates are left out (a note in the vault is imported)."""
    write(
        sample_path,
        "templates/procedure.md",
        '+++\nid = "T"\ntitle = "T"\nkind = "procedure"\n+++\n',
    )
    write(sample_path, "inbox/policies/new-rule.md", "# New rule\n\nNo phones on the floor.\n")
    data = imported(capsys, sample_path, str(sample_path))
    assert [c["title"] for c in data["created"]] == ["New rule"]  # type: ignore[attr-defined]
    reasons = {item["reason"] for item in data["left_out"]}  # type: ignore[attr-defined]
    assert "a document or template of this vault" in reasons
    assert len(data["left_out"]) >= 39  # type: ignore[arg-type]


def test_a_github_wiki_export_links_by_page_name_with_dashes(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a GitHub wiki (files ``Clean-the-tank.md``, links
    ``[[Clean the tank]]`` and ``[[text|Page-Name]]``, no front matter) imported with
    ``--kind``; both links reach the new file."""
    wiki = tmp_path / "plant.wiki"
    write(wiki, "Home.md", "Start: [[Clean the tank]] or [[the cleaning page|Clean-the-tank]].\n")
    write(wiki, "Clean-the-tank.md", "## Steps\n\n1. Drain the tank.\n")
    data = imported(capsys, sample_path, str(wiki), "--kind", "procedure")
    ids = {c["recorded_as"]: c for c in data["created"]}  # type: ignore[attr-defined]
    home = sample_path / ids["plant.wiki/Home.md"]["path"]
    target = Path(ids["plant.wiki/Clean-the-tank.md"]["path"]).name
    _, body = front_of(home)
    assert body == f"Start: [Clean the tank]({target}) or [the cleaning page]({target}).\n"


def test_a_fifo_named_like_a_page_is_refused_without_blocking(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a named pipe called ``x.md`` in an export is not read (reading
    would wait forever); ``--map`` matches folder names in any case."""
    pages = tmp_path / "export" / "SOPS"
    write(pages, "real.md", "# Real\n\n## Steps\n\n1. Check it.\n")
    os.mkfifo(pages / "pipe.md")
    data = imported(capsys, sample_path, str(tmp_path / "export"), "--map", "sops=wi")
    assert [c["kind"] for c in data["created"]] == ["work_instruction"]  # type: ignore[attr-defined]
    assert data["refused"] == [
        {"source": str(pages / "pipe.md"), "line": None, "reason": "not a regular file: not read"}
    ]


def test_ids_differing_only_in_case_are_an_error_and_never_made(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import, check): a file whose id is a lower-cased one in use (``sop-003``
    beside ``SOP-003``) is a ``duplicate-id-case`` error naming both files (a
    case-insensitive share would mix their exported pages up); ``import`` and ``new``
    never make an id that differs only in case from one in use."""
    lower = "procedures/sop-013-lower.md"
    write(sample_path, lower, '+++\nid = "sop-013"\ntitle = "Lower"\nkind = "procedure"\n+++\n')
    code, out, _ = run(capsys, sample_path, "check", "--json")
    found = [f for f in json.loads(out)["findings"] if f["code"] == "duplicate-id-case"]
    assert found == []  # no SOP-013 yet: a lower-case id alone is no clash
    write(tmp_path / "p", "procedures/a.md", "# A\n\n## Steps\n\n1. Check the stock.\n")
    data = imported(capsys, sample_path, str(tmp_path / "p"))
    assert [c["id"] for c in data["created"]] == ["SOP-014"]  # type: ignore[attr-defined]
    code, out, _ = run(capsys, sample_path, "new", "procedure", "--title", "Fresh")
    assert code == 0 and "SOP-015" in out

    upper = sample_path / "procedures/SOP-003-review-stock-and-reorder-points.md"
    clash = "procedures/zz-sop-003.md"
    write(sample_path, clash, '+++\nid = "sop-003"\ntitle = "Clash"\nkind = "procedure"\n+++\n')
    assert upper.exists()
    code, out, _ = run(capsys, sample_path, "check", "--json")
    found = [f for f in json.loads(out)["findings"] if f["code"] == "duplicate-id-case"]
    assert code == 1 and [f["path"] for f in found] == [clash]
    assert found[0]["severity"] == "error"
    assert upper.relative_to(sample_path).as_posix() in found[0]["message"]
    assert clash in found[0]["message"]


def test_a_page_utf8_cannot_write_is_refused_alone_and_dry_run_agrees(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a page whose YAML holds a lone surrogate (``"\\ud800"``), which
    UTF-8 cannot write, is refused with its file and reason in the conversion itself: the
    dry run says so too, no traceback, no file of it written; the two good pages import."""
    pages = tmp_path / "pages"
    write(pages, "a-good.md", "# Good one\n")
    write(pages, "m-bad.md", '---\nx: "\\ud800"\n---\n# s\n')
    write(pages, "z-good.md", "# Good two\n")
    before = sorted(p for p in sample_path.rglob("*") if ".git" not in p.parts)
    code, out, _ = run(capsys, sample_path, "import", "--dry-run", str(pages), "--kind", "policy")
    assert code == 1 and "2 drafts would be created" in out
    reason = f"{pages / 'm-bad.md'}: holds text that cannot be written as UTF-8 (U+D800"
    assert reason in out
    assert sorted(p for p in sample_path.rglob("*") if ".git" not in p.parts) == before
    data = imported(capsys, sample_path, str(pages), "--kind", "policy")
    assert data["exit"] == 1
    assert [c["title"] for c in data["created"]] == ["Good one", "Good two"]  # type: ignore[attr-defined]
    assert [r["source"] for r in data["refused"]] == [str(pages / "m-bad.md")]  # type: ignore[attr-defined]
    made = sorted(p.name for p in (sample_path / "policies").glob("POL-*-*.md"))
    assert [name for name in made if name.endswith(("-good-one.md", "-good-two.md"))] != []
    assert not [name for name in made if name.endswith("-s.md")]


def test_hugo_page_bundles_take_their_folders_name_and_folder_links_resolve(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a Hugo page bundle (``clean-tank/index.md``) with no title is
    titled and named by its folder, not "index"; a link to a bundle's folder
    (``../fill-tank/``) is rewritten to that bundle's new file, one to a folder that was
    not imported is reported as not imported; a bundle's page given alone is named by its
    folder too."""
    content = tmp_path / "content"
    write(content, "clean-tank/index.md", "See [fill](../fill-tank/) and [gone](../gone-tank/).\n")
    write(content, "fill-tank/index.md", "---\ntitle: Fill the tank\n---\nFill it.\n")
    write(tmp_path / "alone", "drain-tank/_index.md", "Drain it.\n")
    data = imported(capsys, sample_path, str(content), "--kind", "policy")
    made = {c["title"]: c for c in data["created"]}  # type: ignore[attr-defined]
    assert sorted(made) == ["Fill the tank", "clean tank"]
    clean, fill = made["clean tank"], made["Fill the tank"]
    assert str(clean["path"]).endswith(f"{clean['id']}-clean-tank.md")
    _, body = front_of(sample_path / str(clean["path"]))
    fill_name = Path(str(fill["path"])).name
    assert f"[fill]({fill_name})" in body and "[gone](../gone-tank/)" in body
    assert clean["links_rewritten"] == 1
    unresolved = [f for f in data["findings"] if f["code"] == "link-not-imported"]  # type: ignore[attr-defined]
    assert [(f["path"], "../gone-tank/" in f["message"]) for f in unresolved] == [
        (clean["path"], True)
    ]
    alone = imported(
        capsys, sample_path, str(tmp_path / "alone/drain-tank/_index.md"), "--kind", "policy"
    )
    assert [c["title"] for c in alone["created"]] == ["drain tank"]  # type: ignore[attr-defined]


def test_an_empty_numbered_item_is_its_own_step_and_a_finding(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): ``1. Mix it`` with a code block, an empty ``2.``, then ``3. Do``
    are three steps, not one: the empty one is reported (``missing-field``) and nothing of
    the list is left in the body."""
    page = (
        "# Mix\n\n## Steps\n\n1. Mix it\n\n   ```\n   mix --all\n   ```\n\n2.\n3. Check the mix\n"
    )
    write(tmp_path / "p", "mix.md", page)
    data = imported(capsys, sample_path, str(tmp_path / "p"), "--kind", "procedure")
    (made,) = data["created"]  # type: ignore[misc]
    assert made["steps"] == 3
    front, body = front_of(sample_path / made["path"])
    steps = front["steps"]
    assert isinstance(steps, list)
    assert [s["action"] for s in steps] == ["Mix it", "", "Check the mix"]
    assert steps[0]["details"] == "```\nmix --all\n```"
    assert "2." not in body and "Check the mix" not in body
    codes = [(f["path"], f["code"]) for f in data["findings"]]  # type: ignore[attr-defined]
    assert (made["path"], "missing-field") in codes


def test_a_symbolic_link_given_as_path_is_left_out_and_crlf_pages_stay_crlf(
    sample_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (import): a PATH that is a symbolic link (to a folder, to a file, or to
    itself) is left out with a reason, never followed; a page with Windows line ends
    becomes a draft with Windows line ends (body and front matter), which reads back."""
    real = write(tmp_path / "real", "page.md", "# Real page\n")
    (tmp_path / "folder-link").symlink_to(real.parent)
    (tmp_path / "file-link.md").symlink_to(real)
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    crlf = tmp_path / "win" / "crlf.md"
    crlf.parent.mkdir()
    crlf.write_bytes(b"---\r\ntitle: Crlf page\r\n---\r\nLine one.\r\nLine two.\r\n")
    links = [str(tmp_path / name) for name in ("folder-link", "file-link.md", "loop.md")]
    data = imported(capsys, sample_path, *links, str(crlf), "--kind", "policy")
    assert data["exit"] == 0
    assert [c["title"] for c in data["created"]] == ["Crlf page"]  # type: ignore[attr-defined]
    assert data["left_out"] == [
        {"path": link, "reason": "a symbolic link: not followed"} for link in links
    ]
    raw = (sample_path / data["created"][0]["path"]).read_bytes()  # type: ignore[index]
    assert b"Line one.\r\nLine two.\r\n" in raw and not re.search(rb"(?<!\r)\n", raw)
    back = parse_bytes("crlf.md", raw)  # read as sopvault reads a file: bytes
    assert back.document is not None and back.document.body == "Line one.\r\nLine two.\r\n"
