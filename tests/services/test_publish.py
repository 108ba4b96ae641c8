"""Issue 16 (export html): the static site gathered from main on hand-made repositories:
what is exported, the controlled-copy banner, sign-offs, --as-of, drafts and retired
documents, and the incremental writer (only what changed is written)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from sopvault.errors import ConfigError
from sopvault.render.site.pages import outputs
from sopvault.services.publish import gather, source_of
from sopvault.services.publishplan import MANIFEST, ExportRefused, write_export
from sopvault.services.workspace import Workspace
from tests.conftest import workspace_at, write

pytestmark = pytest.mark.usefixtures("utc")

ALICE = "Alice Moreno <alice.moreno@harrowfinch.example>"
BILAL = "Bilal Okafor <bilal.okafor@harrowfinch.example>"
CONFIG = 'name = "Pallet works"\n'


def doc(doc_id: str, title: str, version: str, status: str = "effective", **extra: str) -> str:
    kind = "procedure" if doc_id.startswith("SOP") else "policy"
    lines = [
        f'id = "{doc_id}"',
        f'title = "{title}"',
        f'kind = "{kind}"',
        f'version = "{version}"',
        f'status = "{status}"',
        "effective = 2026-01-10",
    ]
    lines += [f"{key} = {value}" for key, value in extra.items()]
    steps = (
        '\n[[steps]]\naction = "Count the pallets"\nrole = "operator"\n'
        if kind == "procedure"
        else ""
    )
    return (
        "+++\n"
        + "\n".join(lines)
        + "\n"
        + steps
        + "+++\nCount them twice. See [the policy](POL-1).\n"
    )


def commit(root: Path, message: str, when: str = "2026-01-10T10:00:00Z") -> None:
    env = dict(os.environ)
    for role, who in (("AUTHOR", ALICE), ("COMMITTER", BILAL)):
        name, email = who[:-1].split(" <")
        env |= {f"GIT_{role}_NAME": name, f"GIT_{role}_EMAIL": email, f"GIT_{role}_DATE": when}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", message], check=True, env=env)


def approval(doc_id: str, version: str, at: str) -> str:
    return (
        f"Approve {doc_id} {version}\n\nSOP-Id: {doc_id}\nSOP-Version: {version}\n"
        f"Proposed-by: {ALICE}\nReviewed-by: {BILAL}\nApproved-at: {at}\n"
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """POL-1 and SOP-1 1.0 approved by Bilal on 10 January; a draft SOP-2 committed; a
    retired POL-9."""
    root = tmp_path / "v"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    write(root, "sopvault.toml", CONFIG)
    write(root, "policies/POL-1-stock.md", doc("POL-1", "Stock policy", "1.0"))
    write(
        root,
        "procedures/SOP-1-count.md",
        doc("SOP-1", "Count the pallets", "1.0", parents='["POL-1"]'),
    )
    commit(root, approval("SOP-1", "1.0", "2026-01-10T10:00:00Z"))
    write(root, "procedures/SOP-2-draft.md", doc("SOP-2", "Weigh the pallets", "0.1", "draft"))
    write(root, "policies/POL-9-old.md", doc("POL-9", "Old policy", "1.0", "retired"))
    commit(root, "Add a draft and an old policy", "2026-01-11T10:00:00Z")
    return root


def export(ws: Workspace, out: Path, **flags: bool):  # type: ignore[no-untyped-def]
    site = gather(source_of(ws, None), **flags)
    return site, write_export(out, outputs(site))


def test_only_effective_documents_by_default_with_banner_and_signoffs(
    vault: Path, tmp_path: Path
) -> None:
    """Issue 16 (export html): effective documents are exported from main's commit, each
    with the controlled-copy banner naming its revision, effective date and approver, and
    its revision history with who signed, when and the meaning of each signature."""
    out = tmp_path / "site"
    site, report = export(workspace_at(vault), out)
    assert [p.id for p in site.pages] == ["POL-1", "SOP-1"]
    assert (out / "docs" / "SOP-1.html").is_file() and not (out / "docs" / "SOP-2.html").exists()
    page = (out / "docs" / "SOP-1.html").read_text()
    assert (
        "Controlled copy: revision 1.0, effective 2026-01-10, approved by Bilal Okafor"
        " on 2026-01-10 10:00" in page
    )
    assert "Printed copies are uncontrolled." in page
    assert "Bilal Okafor &lt;bilal.okafor@harrowfinch.example&gt;, reviewed and approved" in page
    assert "Alice Moreno &lt;alice.moreno@harrowfinch.example&gt;, authored" in page
    assert '<a href="POL-1.html">the policy</a>' in page  # a body link to a document's page
    assert "Count the pallets" in page and "operator" in page
    assert "NOT APPROVED" in (out / "docs" / "POL-1.html").read_text()  # no sign-off on record
    assert report.summary() == f"{len(report.written)} written, 0 unchanged, 0 removed"


def test_work_tree_edits_are_not_published(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): the copy is main's committed text, never the work tree."""
    write(vault, "procedures/SOP-1-count.md", doc("SOP-1", "Count pallets UNAPPROVED", "1.0"))
    site, _ = export(workspace_at(vault), tmp_path / "site")
    assert "UNAPPROVED" not in (tmp_path / "site" / "docs" / "SOP-1.html").read_text()


def test_drafts_and_retired_are_marked_when_included(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): --include-drafts and --include-retired add them, marked."""
    out = tmp_path / "site"
    site, _ = export(workspace_at(vault), out, drafts=True, retired=True)
    assert {p.id for p in site.pages} == {"POL-1", "POL-9", "SOP-1", "SOP-2"}
    assert "DRAFT: not approved, do not use for work." in (out / "docs" / "SOP-2.html").read_text()
    assert "RETIRED: withdrawn from use" in (out / "docs" / "POL-9.html").read_text()
    tree = (out / "tree.js").read_text()
    assert '"marked":"draft"' in tree and '"marked":"retired"' in tree


def test_incremental_after_one_approval(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): after one approval only that page, the index and the
    search index are written again; a document that left is removed; the report counts."""
    out = tmp_path / "site"
    _, first = export(workspace_at(vault), out)
    _, again = export(workspace_at(vault), out)
    assert (
        again.written == () and again.removed == () and len(again.unchanged) == len(first.written)
    )
    write(
        vault,
        "procedures/SOP-1-count.md",
        doc("SOP-1", "Count the pallets", "1.1", parents='["POL-1"]'),
    )
    commit(vault, approval("SOP-1", "1.1", "2026-02-01T10:00:00Z"), "2026-02-01T10:00:00Z")
    _, third = export(workspace_at(vault), out)
    assert sorted(third.written) == ["docs/SOP-1.html", "index.html", "search-index.js"]
    assert "revision 1.1" in (out / "docs" / "SOP-1.html").read_text()
    (vault / "policies" / "POL-1-stock.md").unlink()
    commit(vault, "Remove POL-1", "2026-02-02T10:00:00Z")
    _, fourth = export(workspace_at(vault), out)
    assert fourth.removed == ("docs/POL-1.html",)
    assert not (out / "docs" / "POL-1.html").exists()
    assert "docs/POL-1.html" not in json.loads((out / MANIFEST).read_text())["files"]


def test_as_of_exports_the_revision_in_force_then(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): --as-of exports main as it was at the end of that day."""
    write(vault, "procedures/SOP-1-count.md", doc("SOP-1", "Count the pallets", "1.1"))
    commit(vault, approval("SOP-1", "1.1", "2026-02-01T10:00:00Z"), "2026-02-01T10:00:00Z")
    ws = workspace_at(vault)
    site = gather(source_of(ws, "2026-01-20"))
    write_export(tmp_path / "past", outputs(site))
    page = (tmp_path / "past" / "docs" / "SOP-1.html").read_text()
    assert "revision 1.0" in page and "as of 2026-01-20" in page and "1.1" not in page


def test_banner_wording_from_publish_table(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): [publish] banner sets the wording, placeholders filled."""
    write(
        vault,
        "sopvault.toml",
        CONFIG
        + '[publish]\nbanner = "{id} rev {version} by {approved_by}: paper is uncontrolled"\n',
    )
    commit(vault, "Banner wording", "2026-01-12T10:00:00Z")
    export(workspace_at(vault), tmp_path / "site")
    assert (
        "SOP-1 rev 1.0 by Bilal Okafor: paper is uncontrolled"
        in (tmp_path / "site" / "docs" / "SOP-1.html").read_text()
    )


@pytest.mark.parametrize(
    "banner",
    ['"{version.__class__}"', '"{nobody}"', '"{version!r}"', '"{version:>99}"', '"{"', "3"],
)
def test_banner_placeholders_are_checked_when_read(vault: Path, banner: str) -> None:
    """Issue 16 (export html): a banner with an unknown or formatted placeholder is a
    configuration error naming [publish], never evaluated."""
    write(vault, "sopvault.toml", CONFIG + f"[publish]\nbanner = {banner}\n")
    with pytest.raises(ConfigError, match=r"\[publish\] 'banner'"):
        Workspace.open(vault).vault.config  # noqa: B018


def test_refuses_a_non_empty_folder_without_manifest(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): a typo cannot clobber a folder: non-empty and no manifest is
    refused unless forced, and even forced nothing of its own is deleted."""
    out = tmp_path / "precious"
    write(out, "thesis.txt", "years of work")
    site = gather(source_of(workspace_at(vault), None))
    with pytest.raises(ExportRefused, match="not empty and holds no earlier export"):
        write_export(out, outputs(site))
    assert sorted(p.name for p in out.iterdir()) == ["thesis.txt"]
    write_export(out, outputs(site), force=True)
    write_export(out, outputs(site))
    assert (out / "thesis.txt").read_text() == "years of work"


def test_a_symlinked_docs_folder_is_never_written_through(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): no write escapes the output folder through a link, and a
    manifest naming paths outside it deletes nothing there."""
    out = tmp_path / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = gather(source_of(workspace_at(vault), None))
    write_export(out, outputs(site))
    for page in (out / "docs").iterdir():
        page.unlink()
    (out / "docs").rmdir()
    (out / "docs").symlink_to(elsewhere)
    with pytest.raises(ExportRefused, match="symbolic link"):
        write_export(out, outputs(site))
    assert list(elsewhere.iterdir()) == []
    (out / "docs").unlink()
    victim = write(tmp_path, "victim.txt", "keep")
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"]["../victim.txt"] = {"key": "x", "sha256": "y"}
    (out / MANIFEST).write_text(json.dumps(manifest))
    write_export(out, outputs(site))
    assert victim.read_text() == "keep"


def test_an_interrupted_first_export_is_finished_by_the_next(vault: Path, tmp_path: Path) -> None:
    """Issue 16 (export html): a first export that stops half-way (a page that cannot be
    rendered) leaves a folder the next export recognises as its own and finishes."""
    out = tmp_path / "site"
    site = gather(source_of(workspace_at(vault), None))
    good = outputs(site)

    def broken() -> bytes:
        raise OSError("disk full")

    half = [*good[:3], type(good[0])("docs/X.html", "k", broken)]
    with pytest.raises(OSError, match="disk full"):
        write_export(out, half)
    report = write_export(out, good)
    assert len(report.written) + len(report.unchanged) == len(good)
    assert json.loads((out / MANIFEST).read_text())["files"].keys() == {o.path for o in good}
