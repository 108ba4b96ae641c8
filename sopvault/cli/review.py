"""The document-control commands: propose, reviews (list, show), approve, reject, verify,
history, diff, restore and demo. Each makes its one call into the review service through
``_control()``, the only place that service is built (``verify`` builds only its audit),
and prints plainly."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sopvault.cli.options import (
    ListingGroup,
    json_option,
    major_option,
    message_option,
    open_vault,
    vault_option,
)
from sopvault.cli.output import print_json, print_table, say
from sopvault.cli.params import DOCUMENT_ID, PROPOSAL, require_id, resolve_id, unknown_id
from sopvault.core.localtime import day_iso, shown_iso
from sopvault.core.trailers import landed_label, versions_label
from sopvault.core.wording import counted
from sopvault.errors import SopvaultError
from sopvault.model.control import ProposalState
from sopvault.render.safetext import inert, inert_lines

if TYPE_CHECKING:  # imported when a command runs, so `list` and `show` start faster
    from sopvault.model.control import Proposal, Revision
    from sopvault.services.review.control import DocumentControl

EXIT_OK, EXIT_FAILURE = 0, 1
STATES = tuple(state.value for state in ProposalState)


def _label(control: DocumentControl, label: str) -> str:
    """A proposal as typed (``6`` or ``wi-004/6``) with the document id as the vault spells
    it."""
    doc_id, slash, number = label.rpartition("/")
    return f"{resolve_id(control.ws.vault, doc_id)}/{number}" if slash else label


@contextmanager
def _known(control: DocumentControl, doc_id: str) -> Iterator[None]:
    """A refusal about an id that no document has, and none had in history, is a
    DocumentNotFound with "did you mean"; other refusals pass as they are."""
    try:
        yield
    except SopvaultError:
        vault = control.ws.vault
        if doc_id in vault.state.documents or control.history.revisions(doc_id):
            raise
        raise unknown_id(vault, doc_id) from None


def _control() -> DocumentControl:
    """The review service on this command's vault (raises NeedsGit-like errors outside git)."""
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.workspace import Workspace

    return DocumentControl(Workspace.of(open_vault()))


@click.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...", type=DOCUMENT_ID)
@message_option("why: the summary reviewers read", required=True)
@major_option("a major change (2.0 after 1.4)")
@vault_option
def propose(ids: tuple[str, ...], message: str, major: bool) -> int:
    """Propose your edits to the documents ID... for review, as one proposal."""
    control = _control()
    typed = [require_id(control.ws.vault, doc_id) for doc_id in ids]
    prop = control.proposals.propose(typed, message, major=major)
    docs = versions_label(prop.documents)
    say(f"proposal {prop.number}: {docs} (waiting for review; ref {prop.ref})")
    return EXIT_OK


@click.group(cls=ListingGroup)
@vault_option
def reviews() -> None:
    """List proposals (open ones by default) or show one: `reviews show N`.

    Without a sub-command this is `reviews list`: `sopvault reviews [--state STATE]
    [--json]` (see `sopvault reviews list --help`)."""


@reviews.command("list")
@click.option(
    "--state",
    type=click.Choice(STATES, case_sensitive=False),
    default="open",
    help="which proposals (default: open)",
)
@json_option()
@vault_option
def list_reviews(state: str, as_json: bool) -> int:
    """List proposals: number, documents and versions, author, age, approvals so far (open
    ones), summary."""
    from sopvault.render.rich import age

    found = _control().proposals.listing(state.lower())
    if as_json:
        print_json([_proposal_json(p) for p in found])
        return EXIT_OK
    if not found:
        say(f"no {state.lower()} proposals", err=True)
        return EXIT_OK
    now = datetime.now(UTC)
    headers = ["N", "DOCUMENTS", "AUTHOR", "AGE", "SUMMARY"]
    rows = [
        [
            str(prop.number),
            versions_label(prop.documents),
            prop.author.name,
            age(prop.date, now),
            prop.summary,
        ]
        for prop in found
    ]
    # Votes so far mean something while a proposal is open; a landed one's sign-off is on
    # main (``history``), a rejected one has none.
    if state.lower() == ProposalState.OPEN.value:
        headers.insert(4, "APPROVALS")
        for row, prop in zip(rows, found, strict=True):
            row.insert(4, counted(len(prop.approvals), "approval") if prop.approvals else "-")
    print_table(headers, rows, right=(0, 3))
    return EXIT_OK


@reviews.command("show")
@click.argument("number", metavar="N", type=PROPOSAL)
@click.option("--raw", is_flag=True, help="git's unified diff instead of the change in words")
@json_option()
@vault_option
def show_review(number: str, raw: bool, as_json: bool) -> int:
    """Print proposal N (or ID/N) with what it changes against the main it was made from:
    in words by default (metadata, steps, rules, body), git's diff with --raw."""
    from sopvault.cli.diffs import show_changes
    from sopvault.render.redline import redline_json
    from sopvault.services.review.redlines import Redlines

    control = _control()
    prop = control.proposals.get(_label(control, number))
    if as_json:
        changes = [redline_json(d) for d in Redlines(control.ws).proposal(prop)]
        print_json({**_proposal_json(prop), "changes": changes})
        return EXIT_OK
    sys.stdout.write(_proposal_header(prop, control.ws.zone) + "\n\n")
    if raw:
        sys.stdout.write(inert(control.proposals.diff(prop)))
    else:
        show_changes(Redlines(control.ws).proposal(prop))
    return EXIT_OK


def _proposal_header(prop: Proposal, zone: tzinfo | None) -> str:
    lines = [
        f"proposal {prop.number} ({prop.state}): {versions_label(prop.documents)}",
        f"author:   {prop.author}",
        f"date:     {shown_iso(prop.date, zone)}",
        f"summary:  {prop.summary}",
    ]
    for doc_id, successor in prop.retires.items():  # a retirement says so first
        lines.append(f"retires:  {doc_id}" + (f" (superseded by {successor})" if successor else ""))
    lines.extend(f"approved: {who}" for who in prop.approvals)
    if prop.rejected_by:
        lines.append(f"rejected: {prop.rejected_by}: {prop.reason}")
    header = inert_lines(lines)
    if prop.body:  # the comment's own lines, indented under its label
        header += "\ndetails:  " + inert(prop.body).strip("\n").replace("\n", "\n" + " " * 10)
    return header


def _proposal_json(prop: Proposal) -> dict[str, Any]:
    return {
        "number": prop.number,
        "state": prop.state,
        "documents": prop.documents,
        "author": str(prop.author),
        "date": prop.date,
        "summary": prop.summary,
        "body": prop.body,
        "approvals": [str(a) for a in prop.approvals],
        "retires": prop.retires,
        "rejected_by": str(prop.rejected_by) if prop.rejected_by else None,
        "reason": prop.reason or None,
        "commit": prop.commit,
        "base": prop.base,
        "ref": prop.ref,
    }


@click.command()
@click.argument("number", metavar="N", type=PROPOSAL)
@message_option("a comment kept with the approval")
@vault_option
def approve(number: str, message: str) -> int:
    """Sign off proposal N (or ID/N) as yourself (your git identity)."""
    control = _control()
    result = control.approvals.approve(_label(control, number), message)
    prop = result.proposal
    if not result.landed:
        say(
            f"approval recorded for proposal {prop.number}:"
            f" {result.approvals} of {result.needed}; it lands on {control.ws.main}"
            " when the last reviewer approves"
        )
        return EXIT_OK
    docs = landed_label(prop.documents, prop.retires)
    say(f"approved proposal {prop.number}: {docs} on {control.ws.main} ({result.commit[:10]})")
    for path in result.kept_local:
        say(f"note: kept your own edits in {path}; it now differs from main", err=True)
    return EXIT_OK


@click.command()
@click.argument("number", metavar="N", type=PROPOSAL)
@message_option("the reason", required=True)
@vault_option
def reject(number: str, message: str) -> int:
    """Close proposal N (or ID/N), keeping the reason in git."""
    control = _control()
    prop = control.proposals.reject(_label(control, number), message)
    say(f"rejected proposal {prop.number}; the reason is kept in {prop.ref}")
    return EXIT_OK


@click.command()
@click.option("--since", metavar="REV", help="only commits after this revision")
@click.option("--rev", metavar="REV", help="check this commit's history instead of main's")
@click.option(
    "--full",
    is_flag=True,
    help="judge every commit again, not only those after the last check on this machine",
)
@json_option()
@vault_option
def verify(since: str | None, rev: str | None, full: bool, as_json: bool) -> int:
    """Audit main: every document change signed off; exit 1 if not, 2 if it cannot tell
    (no main here, nothing to check, a shallow clone)."""
    from sopvault.render.verify import note_lines, verdict_line, verify_json, violation_lines
    from sopvault.services.review.audit import Audit
    from sopvault.services.workspace import Workspace

    # The audit alone, not DocumentControl: verify never proposes or approves, and a
    # second run (which reads only new commits) is mostly start-up.
    audit = Audit(Workspace.of(open_vault()))
    report = audit.verify(since, rev, full=full)
    if as_json:
        print_json(verify_json(report))
        return EXIT_FAILURE if report.violations else EXIT_OK
    for line in violation_lines(report, audit.ws.zone):
        say(line)
    for note in note_lines(report):
        sys.stderr.write(note + "\n")
    say(verdict_line(report, rev or audit.ws.main), err=True)
    return EXIT_FAILURE if report.violations else EXIT_OK


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@json_option()
@vault_option
def history(doc_id: str, as_json: bool) -> int:
    """Approved revisions of document ID on main, newest first."""
    control = _control()
    doc_id = resolve_id(control.ws.vault, doc_id)
    found = control.history.revisions(doc_id)
    cut = control.history.incomplete()
    if cut is not None:
        sys.stderr.write(f"note: {inert(cut)}; older revisions may be missing\n")
    if as_json:
        print_json([_revision_json(r) for r in found])
        return EXIT_OK
    if not found and doc_id not in control.ws.vault.state.documents:
        raise unknown_id(control.ws.vault, doc_id)
    if not found:
        say(f"{doc_id} has no approved revisions on {control.ws.main}", err=True)
        return EXIT_OK
    rows = [
        [
            rev.version,
            day_iso(rev.date, control.ws.zone),
            rev.commit[:10],
            rev.author.name,
            ", ".join(a.name for a in rev.approvers),
            rev.summary,
        ]
        for rev in found
    ]
    headers = ["VERSION", "DATE", "COMMIT", "AUTHOR", "APPROVED BY", "SUMMARY"]
    print_table(headers, rows, right=(0,))
    return EXIT_OK


def _revision_json(rev: Revision) -> dict[str, Any]:
    return {
        "id": rev.id,
        "version": rev.version,
        "date": rev.date,
        "commit": rev.commit,
        "author": str(rev.author),
        "approvers": [str(a) for a in rev.approvers],
        "summary": rev.summary,
        "path": rev.path,
        "proposal": rev.proposal or None,
        "retired": rev.retired,
        "superseded_by": rev.superseded_by or None,
    }


@click.command()
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@click.option("--to", required=True, metavar="VERSION", help="the version to bring back")
@message_option("why (default: 'Restore ID to ...')")
@major_option("count it as a major change")
@vault_option
def restore(doc_id: str, to: str, message: str, major: bool) -> int:
    """Propose bringing back the text of an old version of ID as a new version."""
    control = _control()
    doc_id = resolve_id(control.ws.vault, doc_id)
    with _known(control, doc_id):
        prop = control.proposals.restore(doc_id, to, message, major=major)
    docs = versions_label(prop.documents)
    say(f"proposal {prop.number}: {docs} brings back {to} (waiting for review)")
    return EXIT_OK


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@vault_option
def demo(folder: Path) -> int:
    """Create DIR as a copy of the sample vault with a year of git history."""
    from sopvault.services.demo import make_demo

    report = make_demo(folder)
    say(f"demo vault with history at {report.root}")
    proposals = counted(report.open_proposals, "open proposal")
    say(f"  {counted(report.commits, 'commit')}, {proposals}, try:")
    say(f"  cd {report.root} && sopvault history SOP-003 && sopvault reviews && sopvault verify")
    return EXIT_OK
