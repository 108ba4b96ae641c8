"""Pages from other tools, as those tools lay them out, for the import tests (issue 16):
an Obsidian vault (YAML front matter, tag lists, ``[[wiki links]]``, nested folders, an
attachment, its ``.obsidian/`` settings), a MkDocs project (``mkdocs.yml`` beside
``docs/``, no front matter, ``# Title`` headings, relative links) and Hugo TOML pages."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write

OBSIDIAN = {
    "Procedures/Tank cleaning.md": """---
title: Clean the leach tank
tags: [cleaning, plant]
aliases:
  - tank clean
owner: dmitri
created: 2024-03-01
rating: 4
---
# Clean the leach tank

Read [[Safety rules]] first, and [[Safety rules#Gloves and goggles|the PPE rules]].
The drawing: ![[tank-drawing.png]]. Not imported: [[Missing page]].

## Steps

1. Drain the tank through the bottom valve
   until it is empty.
2. Rinse the walls with hot water.
   - twice
   - from the top down
3. Check the sump with [[Sump check]].

   Write the result in the log.

## After cleaning

Keep `[[Safety rules]]` as it is in code.
""",
    "Procedures/Instructions/Sump check.md": """---
tags: sump
kind: work instruction
---
# Sump check

## Instructions

1. Open the sump cover.
2. Look for sediment.
3. Close the sump cover.

Back to [[Tank cleaning]].
""",
    "Policies/Safety rules.md": """---
title: Safety rules
tags:
  - safety
---
# Safety rules

## Gloves and goggles

Always. See [[Procedures/Tank cleaning|the cleaning procedure]].
""",
    "Daily/2024-03-01.md": "Met the supplier.\n",
}


def obsidian_vault(where: Path) -> Path:
    """An Obsidian vault at ``where``: three pages with front matter and wiki links in
    nested folders, a daily note without either, an image and Obsidian's settings."""
    for rel, text in OBSIDIAN.items():
        write(where, rel, text)
    (where / "attachments").mkdir(parents=True)
    (where / "attachments" / "tank-drawing.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(where, ".obsidian/app.json", "{}")
    write(where, ".obsidian/notes.md", "# Not a page\n")
    return where


MKDOCS = {
    "mkdocs.yml": "site_name: Plant handbook\nnav:\n  - index.md\n",
    "README.md": "# The handbook's source\n",
    "docs/index.md": """# Plant handbook

Start with [receiving goods](procedures/receive-goods.md) and the
[quality policy](policies/quality.md#scope). The [README](../README.md) stays.
""",
    "docs/procedures/receive-goods.md": """# Receive goods

How goods come in. ![dock](../img/dock.png)

## Procedure

1. Check the delivery note against the order.
2. Weigh each pallet.
3. Record the weights, see [the quality policy](../policies/quality.md).

## Related

[Home](../index.md), [the web](https://example.com/x.md).
""",
    "docs/policies/quality.md": """# Quality policy

## Scope

Everything we make. Receiving: [receive goods](../procedures/receive-goods.md).
""",
}


def mkdocs_project(where: Path) -> Path:
    """A MkDocs project at ``where``: ``mkdocs.yml`` beside ``docs/``, pages with no front
    matter, titles as ``# Title``, relative links; ``where / "docs"`` is what is imported."""
    for rel, text in MKDOCS.items():
        write(where, rel, text)
    (where / "docs" / "img").mkdir()
    (where / "docs" / "img" / "dock.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return where


HUGO_PAGE = """+++
title = "Mix the blend"
date = 2024-01-02T10:00:00Z
draft = true
weight = 3
kind = "procedure"
owner = "dmitri"
review_every = "12 months"

[params]
shift = "night"
+++
## Steps

1. Weigh the potash.
2. Add it to the mixer.
"""
