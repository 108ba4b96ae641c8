"""Acknowledgements (training records): ``ack ID`` records that you have read and
understood a document's current approved revision; ``acks ID`` lists who has and who
still must; ``acks --person NAME`` prints a person's training record. Each command makes
its calls into ``services.acks.Acknowledgements`` and prints plainly.

Exit codes: 0 done (or listed); 1 refused or failed, with one line saying why (not in
``[people]``, no effective approved revision, already acknowledged, unknown id or
person); 2 for a command line that cannot be read (neither ID nor ``--person``).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, print_table, say
from sopvault.cli.params import DOCUMENT_ID, resolve_id
from sopvault.core.localtime import shown

if TYPE_CHECKING:
    from sopvault.model.ack import Ack, AckStatus, TrainingEntry
    from sopvault.services.acks import Acknowledgements

EXIT_OK = 0


def _service() -> Acknowledgements:
    """The acknowledgement service on this command's vault."""
    from sopvault.services.acks import Acknowledgements
    from sopvault.services.workspace import Workspace

    return Acknowledgements(Workspace.of(open_vault()))


def _doc_id(service: Acknowledgements, typed: str) -> str:
    """The id as main spells it, without loading the vault when main knows it as typed
    (the usual case); else the vault's own spelling (``sop-003`` -> ``SOP-003``)."""
    if typed in service.view().titles:
        return typed
    return resolve_id(service.vault, typed)


def _when(ack: Ack | None, zone: tzinfo | None) -> str:
    return shown(ack.at, zone) if ack else ""


def ack_json(ack: Ack) -> dict[str, Any]:
    """One acknowledgement as ``--json`` prints it (the ack file's fields and where)."""
    return {
        "document": ack.doc_id,
        "version": ack.version,
        "person": str(ack.person),
        "at": ack.at.isoformat(),
        "meaning": ack.meaning,
        "blob": ack.blob,
        "landed": ack.landed,
        "path": ack.path,
        **({"commit": ack.commit} if ack.commit else {}),
    }


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@json_option()
@vault_option
def ack(doc_id: str, as_json: bool) -> int:
    """Record that you (your git identity, one of [people]) have read and understood the
    current approved revision of document ID: one file committed on main at once."""
    service = _service()
    found = service.record(_doc_id(service, doc_id))
    if as_json:
        print_json(ack_json(found))
        return EXIT_OK
    say(
        f"{found.person.name} acknowledged {found.doc_id} {found.version}"
        f" ({found.meaning}): committed on {service.ws.main} as {found.commit[:10]}"
    )
    return EXIT_OK


@click.command()
@click.argument("doc_id", metavar="[ID]", type=DOCUMENT_ID, required=False)
@click.option(
    "--person", metavar="NAME", help="a person's training record (handle, name or e-mail)"
)
@json_option()
@vault_option
def acks(doc_id: str | None, person: str | None, as_json: bool) -> int:
    """Who has acknowledged document ID's current revision and who still must; with
    --person, that person's training record."""
    if (doc_id is None) == (person is None):
        raise click.UsageError("name a document ID or --person NAME (one of them)")
    service = _service()
    if person is not None:
        who = service.person_of(person)
        entries = service.record_of(who)
        if as_json:
            print_json({"person": who.handle, "name": who.name, "documents": _record_json(entries)})
        else:
            _print_record(who.name, entries, service.ws.zone)
        return EXIT_OK
    assert doc_id is not None
    status = service.status(_doc_id(service, doc_id))
    if as_json:
        print_json(_status_json(status))
    else:
        _print_status(status, service.ws.main, service.ws.zone)
    return EXIT_OK


def _print_status(status: AckStatus, main: str, zone: tzinfo | None) -> None:
    current = status.current
    if current is None:
        say(f"{status.doc_id} has no effective approved revision on {main}: nobody owes it yet")
        return
    must = len(status.done) + len(status.owed)
    say(
        f"{status.doc_id} {current.version}  {status.title}:"
        f" {len(status.done)} of {must} acknowledged"
    )
    rows = [
        [s.person.handle, s.person.name, s.state.value, _when(s.ack, zone)] for s in status.people
    ]
    if rows:
        print_table(["PERSON", "NAME", "STATE", "ACKNOWLEDGED"], rows)


def _status_json(status: AckStatus) -> dict[str, Any]:
    current = status.current
    return {
        "document": status.doc_id,
        "title": status.title,
        "version": current.version if current else None,
        "effective": current.effective.isoformat() if current and current.effective else None,
        "people": [
            {
                "person": s.person.handle,
                "name": s.person.name,
                "state": s.state.value,
                "ack": ack_json(s.ack) if s.ack else None,
            }
            for s in status.people
        ],
    }


def _print_record(name: str, entries: list[TrainingEntry], zone: tzinfo | None) -> None:
    if not entries:
        say(f"{name} must read no effective document and acknowledged none")
        return
    rows = []
    for entry in entries:
        done = entry.acknowledged
        earlier = [a.version for a in entry.acks if a.version != entry.current]
        rows.append(
            [
                entry.doc_id,
                entry.current or "-",
                entry.state.value,
                _when(done, zone),
                ", ".join(dict.fromkeys(earlier)),
                entry.title,
            ]
        )
    say(f"training record of {name}")
    print_table(["DOCUMENT", "CURRENT", "STATE", "ACKNOWLEDGED", "EARLIER", "TITLE"], rows)


def _record_json(entries: list[TrainingEntry]) -> list[dict[str, Any]]:
    return [
        {
            "document": e.doc_id,
            "title": e.title,
            "current": e.current,
            "must_read": e.must_read,
            "state": e.state.value,
            "acks": [ack_json(a) for a in e.acks],
        }
        for e in entries
    ]
