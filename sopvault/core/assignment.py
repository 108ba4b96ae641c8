"""Who may fill a role of a run: the one rule behind ``runs start --assign``, ``runs
assign``, the line prompt and the TUI's assignment dialog.

A role is one the followed document names (its ``roles`` or a step's ``role``); a person
is one of ``[people]`` in sopvault.toml, given by handle, e-mail or name. The record keeps
what identifies them without doubt: the handle and ``Name <email>``. When ``[people]`` is
empty, any ``Name <email>`` is accepted (a small team without a people list). Pure: no
disk, no git. ISO 9001 §5.3 asks that responsibilities are assigned and known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sopvault.core.hidden import BIDI, ZERO_WIDTH
from sopvault.errors import RunError
from sopvault.model.config import Person
from sopvault.model.control import Identity
from sopvault.model.document import Document
from sopvault.model.run import Event, EventType, Run


@dataclass(frozen=True)
class Assignee:
    """A person as an assignment records them: ``handle`` from ``[people]`` ("" when the
    vault lists nobody) and ``person``, ``Name <email>`` (the name alone for a listed
    person without an e-mail)."""

    handle: str
    person: str


def roles_of(doc: Document) -> list[str]:
    """The roles of ``doc`` in the order a reader meets them: its ``roles`` list, then each
    step's ``role`` not named there."""
    found: list[str] = []
    for role in [*doc.roles, *(s.role for s in doc.steps if s.role)]:
        if role and role not in found:
            found.append(role)
    return found


def check_role(doc: Document, role: str) -> str:
    """``role`` as ``doc`` spells it (case ignored); RunError naming its roles otherwise."""
    roles = roles_of(doc)
    match = next((r for r in roles if r.casefold() == role.strip().casefold()), None)
    if match is None:
        valid = ", ".join(roles) or "none"
        raise RunError(f"{doc.id} has no role {role.strip()!r} (its roles: {valid})")
    return match


def find_person(text: str, people: Mapping[str, Person]) -> Assignee:
    """The person ``text`` names: a handle, an e-mail, ``Name <email>`` with a listed
    e-mail, or a listed name that only one person has (case ignored). RunError listing
    the valid handles when it names nobody in ``people``, or the handles sharing a name it
    gives; with ``people`` empty, RunError
    unless ``text`` is ``Name <email>``."""
    said = text.strip()
    unseen = BIDI.search(said) or ZERO_WIDTH.search(said)
    if not said or unseen or any(ord(c) < 32 or c == "\x7f" for c in said):
        raise RunError(f"name a person to assign, not {text!r}")
    if not people:
        ident = Identity.parse(said)
        if ident is None:
            raise RunError(
                "[people] in sopvault.toml is empty: name the person as 'Name <email>',"
                f" not {said!r}"
            )
        return Assignee("", str(ident))
    found = _listed(said, people)
    if found is None:
        named = sorted(p.handle for p in people.values() if p.name.casefold() == said.casefold())
        if len(named) > 1:  # "not in [people]" would be untrue (issue 15)
            raise RunError(
                f"{said!r} is the name of {len(named)} people in [people] ({', '.join(named)}):"
                " give the handle or e-mail"
            )
        handles = ", ".join(sorted(people))
        raise RunError(f"{said!r} is not in [people] of sopvault.toml (its handles: {handles})")
    return Assignee(found.handle, recorded(found))


def _listed(said: str, people: Mapping[str, Person]) -> Person | None:
    key = said.casefold()
    ident = Identity.parse(said)
    email = (ident.email if ident is not None else said).casefold()
    for person in people.values():
        if person.handle.casefold() == key or (person.email or "").casefold() == email:
            return person
    named = [p for p in people.values() if p.name.casefold() == key]
    return named[0] if len(named) == 1 else None


def recorded(person: Person) -> str:
    """How a listed person is written in the record: ``Name <email>`` (the name alone
    when ``[people]`` gives no e-mail)."""
    return f"{person.name} <{person.email}>" if person.email else person.name


def assignee(
    doc: Document, role: str, text: str, people: Mapping[str, Person]
) -> tuple[str, Assignee]:
    """The role (as ``doc`` spells it) and the person of one assignment; RunError from
    ``check_role`` or ``find_person``."""
    return check_role(doc, role), find_person(text, people)


def recorded_work(run: Run) -> list[Event]:
    """The events of ``run`` that record work: all but its start and its assignments
    (who fills a role). A run whose log holds none recorded nothing, and its starter may
    still discard it (the dialog at the start assigns roles by itself)."""
    return [e for e in run.events if e.type not in (EventType.START, EventType.ASSIGN)]


def holders(role: str, people: Mapping[str, Person]) -> list[Person]:
    """The people of ``[people]`` who hold ``role`` (their ``roles``, case ignored)."""
    want = role.casefold()
    return [p for p in people.values() if any(r.casefold() == want for r in p.roles)]


def proposed(doc: Document, people: Mapping[str, Person]) -> dict[str, str]:
    """For each role of ``doc``, the handle the assignment dialog offers: the one person
    holding it, "" when nobody or several do (the person starting chooses)."""
    offers: dict[str, str] = {}
    for role in roles_of(doc):
        held = holders(role, people)
        offers[role] = held[0].handle if len(held) == 1 else ""
    return offers
