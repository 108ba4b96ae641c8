"""The process map for a terminal (``sopvault graph``), issue 16: each process with the
processes it intersects and the procedures below it (ISO 9001 §4.4 a-b: the processes,
their sequence and interaction). Every text is made inert (``safetext.inert_line``)."""

from __future__ import annotations

from sopvault.model.flow import ProcessMap
from sopvault.render.safetext import inert_line


def map_lines(found: ProcessMap, *, unicode: bool = True) -> list[str]:
    """Lines: a process (id, title, status), then ``<->`` the processes it meets (their
    titles), then its procedures as a small tree; a blank line between processes. ASCII
    glyphs (and ``?`` for what ASCII lacks) when ``unicode`` is False."""
    titles = {p.id: p.title for p in found.processes}
    meets, branch, last = ("↔", "├─", "└─") if unicode else ("<->", "|-", "`-")
    lines: list[str] = []
    if not found.processes:
        return ["no processes in the vault"]
    for process in found.processes:
        status = f"  [{process.status}]" if process.status else ""
        lines.append(f"{process.id}  {process.title}{status}")
        for other in process.related:
            lines.append(f"  {meets} {other}  {titles.get(other, '')}".rstrip())
        for index, (proc_id, title) in enumerate(process.procedures):
            mark = last if index == len(process.procedures) - 1 else branch
            lines.append(f"  {mark} {proc_id}  {title}")
        if not process.procedures:
            lines.append("  (no procedures below it)")
        lines.append("")
    lines = [inert_line(line) for line in lines[:-1]]
    if not unicode:
        lines = [line.encode("ascii", "replace").decode("ascii") for line in lines]
    return lines
