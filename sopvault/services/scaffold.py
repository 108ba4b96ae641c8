"""Files a new vault starts with, and new documents made from the vault's templates."""

from __future__ import annotations

import re
import unicodedata
from importlib import resources
from pathlib import Path

from sopvault.core.config import CONFIG_FILE, default_config_text
from sopvault.core.parse import parse_text, with_changes
from sopvault.core.versioning import FIRST_DRAFT
from sopvault.errors import SopvaultError
from sopvault.model.document import Kind

# Older sopvault versions kept their state in <vault>/.sopvault/; state now lives in the
# user's cache folder and that folder is never read, but ignoring it keeps an old one (or
# a planted one) out of commits made with `git add -A`.
IGNORE_LINE = ".sopvault/"
# Run logs only ever gain lines, one event per line: git's built-in ``union`` merge driver
# keeps the lines of both sides, so a plain ``git pull`` of two clones that recorded on one
# run does not conflict (sopvault reads a line repeated by the union once, by event id;
# ``sopvault sync`` joins logs by event id itself). A git setting, not code from the vault.
ATTRIBUTES_LINE = "runs/**/*.jsonl merge=union"


def add_line(path: Path, line: str) -> bool:
    """Add ``line`` to the text file ``path`` (made if missing) unless it has it already;
    True when it was written. Raises OSError when the disk refuses."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if line in existing.splitlines():
        return False
    prefix = "" if not existing or existing.endswith("\n") else "\n"
    path.write_text(f"{existing}{prefix}{line}\n", encoding="utf-8")
    return True


def packaged_template(kind: Kind) -> str:
    """The built-in template for a kind (what ``init`` copies into templates/)."""
    return (
        resources.files("sopvault")
        .joinpath(f"data/templates/{kind.value}.md")
        .read_text(encoding="utf-8")
    )


def write_new_vault(folder: Path, name: str) -> list[Path]:
    """Write sopvault.toml, templates/, a .gitignore entry and the .gitattributes line
    that lets git merge run logs (``ATTRIBUTES_LINE``); refuse to overwrite a vault."""
    config = folder / CONFIG_FILE
    if config.exists():
        raise SopvaultError(f"{config} already exists; this folder is a vault already")
    folder.mkdir(parents=True, exist_ok=True)
    written = [config]
    config.write_text(default_config_text(name), encoding="utf-8")
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    for kind in Kind:
        target = templates / f"{kind.value}.md"
        if not target.exists():
            target.write_text(packaged_template(kind), encoding="utf-8")
            written.append(target)
    for name, line in ((".gitignore", IGNORE_LINE), (".gitattributes", ATTRIBUTES_LINE)):
        if add_line(folder / name, line):
            written.append(folder / name)
    return written


def next_id(prefix: str, existing: set[str]) -> str:
    """The next free ``PREFIX-NNN`` id, one past the highest number in use, ids compared
    without regard to case: ``sop-003`` takes ``SOP-003`` too, since a case-insensitive
    file system (and Hugo's lower-cased URLs) would mix the two up."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$", re.IGNORECASE)
    numbers = [int(m.group(1)) for i in existing if (m := pattern.match(i))]
    folded = {i.casefold() for i in existing}
    number = max(numbers, default=0) + 1
    while f"{prefix}-{number:03d}".casefold() in folded:
        number += 1
    return f"{prefix}-{number:03d}"


def slugify(title: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "untitled"


def fill_template(
    template: str, template_path: str, doc_id: str, title: str, parents: list[str]
) -> str:
    """A new document's text: the template with id, title, parents, draft status and
    version 0.1 set.

    Values go through tomlkit (never string substitution into TOML), so a title with quotes
    or newlines cannot break the file; ``{{title}}`` is replaced as text in the body only,
    and the whole new text is read back before it is returned (FrontMatterError if not).
    """
    result = parse_text(template_path, template)
    if result.document is None:
        reasons = "; ".join(f.format() for f in result.findings) or "not a +++ document"
        raise SopvaultError(f"template {template_path} is broken: {reasons}")
    # A new document is a draft 0.1 whatever the template says; its first approval makes
    # it 1.0 (core.versioning).
    changes: dict[str, object] = {
        "id": doc_id,
        "title": title,
        "version": FIRST_DRAFT,
        "status": "draft",
    }
    if parents:
        changes["parents"] = parents
    body = result.document.body.replace("{{title}}", title.replace("\n", " "))
    return with_changes(template, changes, body=body)
