"""Trust §2 (Hugo parity): real Hugo builds a site from the sample vault and the edge cases
of tests/hugo_cases.py, and sopvault must load the same documents with the same fields.

Values are compared meaningfully: Hugo 0.111 keeps TOML local dates and times as its own
types and turns offset date-times into Go times; its JSON prints them as ISO 8601 text
(RFC 3339 with ``Z`` for UTC), which is parsed back into Python's date, time and datetime
before comparing. Hugo lowercases the keys of maps reached through maps (not inside arrays)
and adds ``draft`` and ``iscjklanguage`` to (most) pages; those two are left out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from sopvault.model.finding import Finding, Severity
from sopvault.services.vault import Vault
from tests.conftest import SAMPLE
from tests.hugo_cases import ALL, DOCUMENT, ERROR, FIELDS, NOTE, PLAIN, REFUSES, Case

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(
    HUGO is None, reason="hugo is not installed (Debian: apt-get install hugo; .ci/run does)"
)
CONFIG = """baseURL = "http://example.invalid/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section"]
[outputs]
home = ["JSON"]
"""
# Every regular page: its file, its fields and its body as Hugo read them.
INDEX = """{{- $pages := slice -}}
{{- range .Site.RegularPages -}}
{{- $pages = $pages | append (dict "path" .File.Path "params" .Params "raw" .RawContent) -}}
{{- end -}}
{{- $pages | jsonify -}}
"""
ADDED_BY_HUGO = ("draft", "iscjklanguage")
CASES = "hugo-cases"


def _site(root: Path) -> Path:
    """A Hugo site whose content folder is ``root/content`` (to be filled by the caller)."""
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "layouts" / "index.json").write_text(INDEX)
    (root / "layouts" / "_default" / "single.html").write_text("")
    (root / "config.toml").write_text(CONFIG)
    return root / "content"


def _hugo(site: Path) -> subprocess.CompletedProcess[str]:
    assert HUGO is not None
    argv = [HUGO, "--quiet", "--buildDrafts", "--buildFuture", "--buildExpired", "-s", str(site)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def _same(ours: Any, theirs: Any, lower: bool = True) -> bool:
    """Whether a value sopvault read equals what Hugo printed for it (see the module)."""
    if isinstance(ours, datetime):
        return isinstance(theirs, str) and datetime.fromisoformat(theirs) == ours
    if isinstance(ours, date):
        return isinstance(theirs, str) and date.fromisoformat(theirs) == ours
    if isinstance(ours, time):
        return isinstance(theirs, str) and time.fromisoformat(theirs) == ours
    if isinstance(ours, dict):
        keyed = {(k.lower() if lower else k): v for k, v in ours.items()}
        return (
            isinstance(theirs, dict)
            and keyed.keys() == theirs.keys()
            and all(_same(v, theirs[k], lower) for k, v in keyed.items())
        )
    if isinstance(ours, list):
        return (
            isinstance(theirs, list)
            and len(ours) == len(theirs)
            and all(_same(a, b, lower=False) for a, b in zip(ours, theirs, strict=True))
        )
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, int | float):  # Go's JSON prints the float 1.0 as 1
        return isinstance(theirs, int | float) and ours == theirs
    return bool(ours == theirs)


def _fields(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in ADDED_BY_HUGO}


def _errors_at(findings: list[Finding], path: str) -> list[Finding]:
    return [f for f in findings if f.path == path and f.severity is Severity.ERROR]


BUILT = [c for c in ALL if c.hugo != REFUSES]


def test_hugo_and_sopvault_read_the_same_documents(tmp_path: Path) -> None:
    """Trust §2 (Hugo parity): every file Hugo builds with fields is a sopvault document
    with equal id, title, fields and body, or is reported by check; every file Hugo builds
    without front matter is a note to sopvault, with no error."""
    content = _site(tmp_path / "site")
    shutil.copytree(SAMPLE, content)
    for case in BUILT:
        (content / CASES).mkdir(exist_ok=True)
        (content / CASES / f"{case.name}.md").write_bytes(case.raw)
    built = _hugo(tmp_path / "site")
    assert built.returncode == 0, built.stderr
    pages = json.loads((tmp_path / "site" / "public" / "index.json").read_text())
    vault = Vault.open(content)
    state = vault.state
    by_path = {doc.path: doc.id for doc in state.documents.values()}
    expected = {str(p.relative_to(content)) for p in content.rglob("*.md")}
    assert {page["path"] for page in pages} == expected
    cases = {f"{CASES}/{c.name}.md": c for c in BUILT}
    documents = 0
    for page in pages:
        path, fields = page["path"], _fields(page["params"])
        kind = (FIELDS, DOCUMENT) if fields else (PLAIN, NOTE)
        case = cases.get(path, Case(path, b"", *kind))
        if case.sopvault == DOCUMENT:
            doc = vault.get(by_path[path])
            assert doc.id == fields["id"] and doc.title == fields["title"]
            assert _same(doc.front, fields), (path, doc.front, fields)
            if doc.body:  # Hugo's RawContent is the whole file when no body follows
                assert doc.body == page["raw"], path
            documents += 1
        elif case.sopvault == ERROR:
            assert path not in by_path or _errors_at(state.findings, path), path
            assert any(f.code == case.code for f in _errors_at(state.findings, path)), path
        else:
            assert case.sopvault == NOTE and path not in by_path, path
            assert fields == {} and _errors_at(state.findings, path) == [], path
            if case.hugo == PLAIN:  # no front matter: Hugo's content is the whole file
                assert page["raw"] == (content / path).read_bytes().decode(), path
    assert documents == len(state.documents) > 30


REFUSED = [c for c in ALL if c.hugo == REFUSES]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_file_hugo_refuses_is_reported_by_check(tmp_path: Path, case: Case) -> None:
    """Trust §2 (Hugo parity): a file that stops Hugo's build is reported by sopvault: an
    error for a document, a warning (never an error) for a note."""
    content = _site(tmp_path / "site")
    content.mkdir()
    (content / "sopvault.toml").write_text('name = "hugo"\n')
    (content / "case.md").write_bytes(case.raw)
    built = _hugo(tmp_path / "site")
    assert built.returncode != 0 and "case.md" in built.stderr, built.stderr
    findings = Vault.open(content).state.findings
    severity = Severity.ERROR if case.sopvault == ERROR else Severity.WARNING
    assert [(f.line, f.code) for f in findings if f.severity is severity] == [
        (case.line, case.code)
    ]
