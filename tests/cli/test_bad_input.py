"""Bad input, one file at a time beside the whole sample vault: each gets a clear error with
file and line (or loads, when it is merely unusual), and every other document still loads
and every command still answers. Escape sequences are covered in test_cli and test_tui."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.errors import SopvaultError
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import TODAY, commit_all, copy_sample

SAMPLE_DOCS = 38
HEAD = '+++\nid = "{id}"\ntitle = "{title}"\nkind = "policy"\n'
GOOD = HEAD + "+++\nBody.\n"


def doc(doc_id: str, extra: str = "", body: str = "Body.\n", title: str = "Odd") -> str:
    return HEAD.format(id=doc_id, title=title) + extra + "+++\n" + body


# (file name, content, expected (line, code) or None when the document simply loads)
CASES: dict[str, tuple[bytes, tuple[int, str] | None]] = {
    "invalid-utf8": (
        b'+++\nid = "X-1"\ntitle = "Caf\xe9 opening"\nkind = "policy"\n+++\n',
        (3, "encoding"),
    ),
    "utf8-bom": (("\ufeff" + doc("X-2")).encode("utf-8"), None),
    "crlf": (doc("X-3").replace("\n", "\r\n").encode("utf-8"), None),
    "no-closing": (
        b'+++\nid = "X-4"\ntitle = "Open"\nkind = "policy"\nBody\n',
        (6, "front-matter"),
    ),
    "yaml": (b"---\nid: X-5\ntitle: YAML\n---\nBody\n", (1, "front-matter")),
    "conflict": (
        doc("X-6", body="<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> other\n").encode(),
        (6, "conflict-marker"),
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), (1, "binary")),
    "duplicate-key": (doc("X-8", 'title = "Again"\n').encode(), (5, "front-matter")),
    "wrong-type": (doc("X-9", 'tags = 5\nparents = "POL-001"\n').encode(), (5, "wrong-type")),
    "deep-nesting": (
        doc("X-10", "x = " + "[" * 5000 + "]" * 5000 + "\n").encode(),
        (5, "front-matter"),
    ),
    "bad-id-dots": (doc("../etc").encode(), (2, "bad-id")),
    "bad-id-slash": (doc("POL/009").encode(), (2, "bad-id")),
    "bad-id-control": (doc("POL-\\u001b[2J").encode(), (2, "bad-id")),
}


@pytest.fixture
def vault_with(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(name: str, content: bytes) -> Path:
        root = copy_sample(tmp_path / "vault")
        (root / "policies" / f"{name}.md").write_bytes(content)
        return root

    return make


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_reported_and_the_rest_loads(
    name: str,
    vault_with,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    content, expected = CASES[name]
    root = vault_with(name, content)
    state = Vault.open(root, clock=running_from(TODAY)).state
    rel = f"policies/{name}.md"
    mine = [(f.line, f.code) for f in state.findings if f.path == rel]
    if expected is None:
        assert not [f for f in state.findings if f.path == rel and f.severity.value == "error"]
        assert len(state.documents) == SAMPLE_DOCS + 1
    else:
        assert expected in mine, mine
        assert len([d for d in state.documents.values() if d.path != rel]) >= SAMPLE_DOCS - 1
    assert {"POL-001", "SOP-010", "WI-002"} <= set(state.documents)
    assert main(["--vault", str(root), "list"]) == 0
    assert main(["--vault", str(root), "show", "SOP-010"]) == 0
    assert main(["--vault", str(root), "check"]) == (0 if expected is None else 1)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    if expected is not None:
        assert f"{rel}:{expected[0]}:" in out.out


def test_bom_and_crlf_are_kept_when_sopvault_writes(vault_with) -> None:  # type: ignore[no-untyped-def]
    root = vault_with("crlf-bom", ("\ufeff" + doc("X-20")).replace("\n", "\r\n").encode())
    vault = Vault.open(root, clock=running_from(TODAY))
    vault.update_fields("X-20", {"status": "effective"})
    data = (root / "policies" / "crlf-bom.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf+++\r\n")
    assert b'status = "effective"\r\n' in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_20_mb_document_loads_and_is_searched(vault_with) -> None:  # type: ignore[no-untyped-def]
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 30 + "\n") * 12_000
    body += "The word zanzibarite appears once, at the very end.\n"
    root = vault_with("huge", doc("X-30", body=body).encode())
    assert (root / "policies" / "huge.md").stat().st_size > 20_000_000
    vault = Vault.open(root, clock=running_from(TODAY))
    assert vault.get("X-30").body.endswith("at the very end.\n")
    hits = vault.search("zanzibarite").hits
    assert [h.id for h in hits] == ["X-30"]


def test_a_procedure_with_100000_steps_loads(
    vault_with,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    steps = "".join(f'\n[[steps]]\naction = "Check item {i}"\n' for i in range(100_000))
    text = '+++\nid = "X-40"\ntitle = "Many"\nkind = "procedure"\n' + steps + "+++\n"
    root = vault_with("many", text.encode())
    vault = Vault.open(root, clock=running_from(TODAY))
    assert len(vault.get("X-40").steps) == 100_000
    assert main(["--vault", str(root), "list", "--kind", "procedure"]) == 0
    assert "X-40" in capsys.readouterr().out


def test_symlinks_out_of_the_vault_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.md"
    secret.write_text(doc("SECRET-1", title="Outside"), encoding="utf-8")
    root = copy_sample(tmp_path / "vault")
    os.symlink(secret, root / "policies" / "link.md")
    os.symlink(tmp_path, root / "policies" / "dir-link")
    state = Vault.open(root, clock=running_from(TODAY)).state
    assert "SECRET-1" not in state.documents
    assert any(f.code == "symlink" and f.path == "policies/link.md" for f in state.findings)
    assert len(state.documents) == SAMPLE_DOCS


@pytest.mark.parametrize("bad", ["../POL-001", "POL/001", "/etc/passwd", "POL-\x1b[2J", ".."])
def test_ids_typed_by_users_are_refused_cleanly(
    sample_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["show", bad], ["history", bad], ["runs", "start", bad], ["run", bad]):
        assert main(["--vault", str(sample_path), *command]) == 1
        err = capsys.readouterr().err
        assert err.startswith("sopvault: error: ") and err.count("\n") == 1
        assert "\x1b" not in err


def test_a_document_id_with_dots_never_reaches_a_path(sample_vault: Vault) -> None:
    with pytest.raises(SopvaultError):
        sample_vault.get("../../etc/passwd")


def test_a_committed_vault_with_bad_files_still_syncs_nothing_but_checks(
    vault_with,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    """Bad files inside git: history and verify still answer for the good documents."""
    root = vault_with("binary", CASES["binary"][0])
    commit_all(root)
    assert main(["--vault", str(root), "history", "SOP-010"]) == 0
    assert main(["--vault", str(root), "verify"]) == 1  # the import has no sign-off
    out = capsys.readouterr()
    assert "unreviewed" in out.out and "Traceback" not in out.err
