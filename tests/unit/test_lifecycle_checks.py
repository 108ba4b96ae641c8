"""Issue 14 (versions and life cycle): `check` warns, with the file and line of the link,
when an effective document links to a retired one, when `superseded_by` names a missing
or retired document, and when a `readers` entry names nobody; and the version rules."""

from __future__ import annotations

from pathlib import Path

from sopvault.cli import main
from sopvault.core.versioning import next_version, number_taken, was_approved
from sopvault.model.finding import Severity
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import TODAY, write

CONFIG = """name = "Life cycle"

[people.ann]
name = "Ann Author"
email = "ann@acme.example"
roles = ["clerk"]
"""

FILES = {
    "policies/POL-1.md": (
        '+++\nid = "POL-1"\ntitle = "Old policy"\nkind = "policy"\nstatus = "retired"\n'
        'superseded_by = "POL-2"\n+++\n'
    ),
    "policies/POL-2.md": '+++\nid = "POL-2"\ntitle = "New policy"\nkind = "policy"\n+++\n',
    "processes/PRC-1.md": (
        '+++\nid = "PRC-1"\ntitle = "Orders"\nkind = "process"\nstatus = "effective"\n'
        'parents = ["POL-1"]\nrelated = ["PRC-2"]\nreaders = ["ann", "zed", "role:clerk",'
        ' "role:pilot"]\n+++\n'
    ),
    "processes/PRC-2.md": (
        '+++\nid = "PRC-2"\ntitle = "Old orders"\nkind = "process"\nstatus = "retired"\n'
        'superseded_by = "PRC-404"\n+++\n'
    ),
    "procedures/SOP-1.md": (
        '+++\nid = "SOP-1"\ntitle = "Take an order"\nkind = "procedure"\nstatus = "effective"\n'
        'parents = ["PRC-1"]\n\n[[steps]]\naction = "Check the stock"\ninstruction = "WI-1"\n+++\n'
    ),
    "procedures/SOP-2.md": (
        '+++\nid = "SOP-2"\ntitle = "Draft order"\nkind = "procedure"\nstatus = "draft"\n'
        'parents = ["PRC-2"]\n\n[[steps]]\naction = "Check the stock"\ninstruction = "WI-1"\n+++\n'
    ),
    "work-instructions/WI-1.md": (
        '+++\nid = "WI-1"\ntitle = "Count"\nkind = "work_instruction"\nstatus = "retired"\n'
        'superseded_by = "PRC-2"\n\n[[steps]]\naction = "Count the pallets"\n+++\n'
    ),
}


def test_links_to_retired_documents_successors_and_readers_are_warned(tmp_path: Path) -> None:
    """Issue 14 (check): each warning at the line of what it is about; a draft linking to a
    retired document is left alone (only documents in force are held to it)."""
    root = tmp_path / "v"
    write(root, "sopvault.toml", CONFIG)
    for rel, text in FILES.items():
        write(root, rel, text)
    state = Vault.open(root, clock=running_from(TODAY)).state
    found = {
        (f.path, f.line, f.code, f.message)
        for f in state.findings
        if f.code in {"retired-link", "unknown-successor", "retired-successor", "unknown-reader"}
    }
    assert all(f.severity is Severity.WARNING for f in state.findings if f.code == "retired-link")
    assert found == {
        (
            "processes/PRC-1.md",
            6,
            "retired-link",
            "parent 'POL-1' is retired (superseded by POL-2)",
        ),
        (
            "processes/PRC-1.md",
            7,
            "retired-link",
            "related 'PRC-2' is retired (superseded by PRC-404)",
        ),
        (
            "processes/PRC-1.md",
            8,
            "unknown-reader",
            "readers entry 'zed' names nobody in [people] of sopvault.toml",
        ),
        (
            "processes/PRC-1.md",
            8,
            "unknown-reader",
            "readers entry 'role:pilot' names nobody in [people] of sopvault.toml",
        ),
        (
            "processes/PRC-2.md",
            6,
            "unknown-successor",
            "superseded_by 'PRC-404' is not a document in this vault",
        ),
        (
            "procedures/SOP-1.md",
            8,
            "retired-link",
            "step 1: instruction 'WI-1' is retired (superseded by PRC-2)",
        ),
        (
            "work-instructions/WI-1.md",
            6,
            "retired-successor",
            "superseded_by 'PRC-2' is retired (superseded by PRC-404)",
        ),
    }
    assert main(["--vault", str(root), "check"]) == 0  # warnings do not fail check


def test_the_version_rules() -> None:
    """Issue 14 (versions): never approved (new, 0.x, no number) -> 1.0 whatever the flag;
    then minor or major; a number main already holds (or passed) is taken."""
    for on_main in (None, "0.1", "0.7", "draft"):
        assert not was_approved(on_main)
        assert next_version(on_main, major=False) == next_version(on_main, major=True) == "1.0"
    assert was_approved("1.0") and next_version("1.4", major=False) == "1.5"
    assert next_version("1.4", major=True) == "2.0"
    assert number_taken("1.1", "1.1") and number_taken("1.1", "2.0")
    assert not number_taken("1.2", "1.1") and not number_taken("1.0", "0.3")
    assert not number_taken("1.0", None)
