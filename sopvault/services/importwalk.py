"""The pages an import reads (issue 16): Markdown files under the paths given, found
without following symbolic links, each with the name recorded as its origin.

A folder is walked recursively for ``*.md`` and ``*.markdown``; hidden folders (an
Obsidian vault's ``.obsidian/``, ``.git/``, ``.trash/``) are left out; a symbolic link is
never followed (a link in an export could point anywhere on the machine) and is reported;
other files (images, PDFs, ``mkdocs.yml``) are counted, not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sopvault.core.importing import BUNDLE_STEMS
from sopvault.errors import NotFound

PAGE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Page:
    """One page: its file, the name recorded for it (the folder given, then the path
    inside it: ``wiki/Procedures/Cleaning.md``; a file given alone, its name) and the
    folders above it inside what was given, nearest first (for ``--map``; a file given
    alone, the folder it is in)."""

    file: Path
    name: str
    folders: tuple[str, ...]


@dataclass
class Walked:
    """What the walk found: the pages, and the files left out with why."""

    pages: list[Page] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)


def walk(paths: list[Path]) -> Walked:
    """The pages under ``paths`` (files or folders), each once, in a stable order; a path
    that is a symbolic link (to a file or a folder) is left out, never followed; NotFound
    when a path does not exist."""
    found = Walked()
    seen: set[Path] = set()
    for given in paths:
        if given.is_symlink():  # a link given by name is not followed either
            found.left_out.append((str(given), "a symbolic link: not followed"))
            continue
        if not given.exists():
            raise NotFound(f"{given}: no such file or folder")
        if given.is_dir():
            _walk_folder(given, found, seen)
        elif given.suffix.lower() in PAGE_SUFFIXES:
            folder = given.resolve().parent.name
            name = given.name
            if given.stem.lower() in BUNDLE_STEMS and folder:
                name = f"{folder}/{given.name}"  # a bundle's page, named by its folder
            _add(found, seen, given, name, (folder,))
        else:
            found.left_out.append((str(given), "not a Markdown file (.md, .markdown)"))
    return found


def _add(found: Walked, seen: set[Path], file: Path, name: str, folders: tuple[str, ...]) -> None:
    key = file.resolve()
    if key not in seen:
        seen.add(key)
        found.pages.append(Page(file, name, folders))


def _walk_folder(root: Path, found: Walked, seen: set[Path]) -> None:
    base = root.resolve().name or "import"
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        inside = here.relative_to(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for link in [d for d in dirs if (here / d).is_symlink()]:
            dirs.remove(link)
            found.left_out.append((str(here / link), "a symbolic link: not followed"))
        parts = (base, *inside.parts)
        for name in sorted(files):
            file = here / name
            if name.startswith("."):
                continue
            if file.is_symlink():
                found.left_out.append((str(file), "a symbolic link: not followed"))
            elif file.suffix.lower() not in PAGE_SUFFIXES:
                found.left_out.append((str(file), "not a Markdown file (.md, .markdown)"))
            else:
                recorded = str(PurePosixPath(*parts, name))
                _add(found, seen, file, recorded, tuple(reversed(parts)))
