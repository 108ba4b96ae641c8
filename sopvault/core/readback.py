"""Read back what is about to be written: the one check every TOML writer passes before
its bytes reach the disk or a commit (issue 12, Trust §1).

A writer (a front-matter edit, a new document, a run file, a new ``sopvault.toml``) knows
the data it means to store. ``mismatch`` parses the produced text with tomli, the reader
every other part of sopvault uses, and compares it with that data *strictly*: Python's
``==`` takes ``True`` for ``1``, ``1`` for ``1.0`` and two datetimes at the same instant
with different offsets for equal, and never takes a NaN for itself, so none of those can
hide a value that would not come back as written. The writer turns a reason into its own
error class and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

import tomli


def mismatch(text: str, expected: Mapping[str, Any]) -> str | None:
    """``None`` when ``text`` parses (tomli) to exactly ``expected``, else one line saying
    what would be wrong: the parse error, or the dotted paths of the values that differ
    (at most five, then a count)."""
    try:
        found = tomli.loads(text)
    except tomli.TOMLDecodeError as err:
        return f"it would not parse ({err})"
    except RecursionError:
        return "it would not parse (nested too deeply)"
    paths = differences(found, expected)
    if not paths:
        return None
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
    return f"it would not read back as written ({shown})"


def differences(found: Any, expected: Any, where: str = "") -> list[str]:
    """The dotted paths (``limits[0][1]``, ``site.name``) where ``found`` and ``expected``
    differ by type or value; ``[]`` when they are the same TOML data."""
    if isinstance(expected, Mapping) and isinstance(found, Mapping):
        out: list[str] = []
        for key in sorted({*found, *expected}, key=str):
            path = f"{where}.{key}" if where else str(key)
            if key not in found or key not in expected:
                out.append(path)
            else:
                out.extend(differences(found[key], expected[key], path))
        return out
    if isinstance(expected, list) and isinstance(found, list):
        if len(found) != len(expected):
            return [where or "(root)"]
        out = []
        for index, (one, other) in enumerate(zip(found, expected, strict=True)):
            out.extend(differences(one, other, f"{where}[{index}]"))
        return out
    return [] if same_scalar(found, expected) else [where or "(root)"]


def same_scalar(found: Any, expected: Any) -> bool:
    """Whether two TOML scalars are the same value of the same type: a bool is not an
    integer, an integer not a float, ``-0.0`` not ``0.0``, NaN is NaN, and a date-time keeps
    its offset (local date-times are not offset ones)."""
    if type(found) is not type(expected):
        return False
    if isinstance(expected, float):
        if math.isnan(expected):
            return math.isnan(found)
        return bool(found == expected and math.copysign(1, found) == math.copysign(1, expected))
    if isinstance(expected, datetime | time):
        return bool(found == expected and found.utcoffset() == expected.utcoffset())
    if isinstance(expected, str | int | bool | date):
        return bool(found == expected)
    return False
