"""Who must read and understand a document (ISO 9001 §7.2 competence, §7.3 awareness): the
people who hold one of its ``roles``, and those its ``readers`` list names (handles or
``role:<role>``). Pure: the vault's people come in, the people who owe a reading go out."""

from __future__ import annotations

from collections.abc import Iterable

from sopvault.model.config import Person
from sopvault.model.document import Document


def must_read(doc: Document, people: Iterable[Person]) -> list[Person]:
    """The people of ``[people]`` who must acknowledge ``doc``, in handle order.

    A person holding any of the document's ``roles`` must; so must each person a
    ``readers`` entry names, by handle or by ``role:<role>`` (case is ignored). Entries that
    name nobody are left to ``unknown_readers`` so ``check`` can report them.
    """
    roles = {r.strip().lower() for r in doc.roles}
    wanted_roles = set(roles)
    handles: set[str] = set()
    for entry in doc.readers:
        role = _role_of(entry)
        if role is not None:
            wanted_roles.add(role)
        else:
            handles.add(entry.strip().lower())
    chosen = [
        person
        for person in people
        if person.handle.lower() in handles
        or any(r.strip().lower() in wanted_roles for r in person.roles)
    ]
    return sorted(chosen, key=lambda p: p.handle.lower())


def unknown_readers(doc: Document, people: Iterable[Person]) -> list[str]:
    """The ``readers`` entries that name no person of ``[people]``: a handle nobody has, or a
    role nobody holds (for ``check``)."""
    everyone = list(people)
    handles = {p.handle.lower() for p in everyone}
    held = {r.strip().lower() for p in everyone for r in p.roles}
    unknown = []
    for entry in doc.readers:
        role = _role_of(entry)
        if (role is not None and role not in held) or (
            role is None and entry.strip().lower() not in handles
        ):
            unknown.append(entry)
    return unknown


def _role_of(entry: str) -> str | None:
    text = entry.strip()
    if text.lower().startswith("role:"):
        return text[len("role:") :].strip().lower()
    return None
