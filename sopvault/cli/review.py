"""The document-control commands: propose, reviews, approve, reject, verify, history, diff,
restore and demo. Each is one call into a document control service, printed plainly."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopvault.core.approval import versions_label
from sopvault.errors import SopvaultError
from sopvault.render.safetext import inert

if TYPE_CHECKING:  # imported when a command runs, so `list` and `show` start faster
    from sopvault.model.control import Proposal, Revision, TextAt
    from sopvault.services.review.control import DocumentControl

EXIT_OK, EXIT_FAILURE = 0, 1
# as in sopvault.model.control.ProposalState
OPEN, APPROVED, REJECTED = "open", "approved", "rejected"


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("propose", help="propose your edits to documents for review")
    p.add_argument("ids", nargs="+", metavar="ID", help="the documents changed (one proposal)")
    p.add_argument("-m", "--message", required=True, help="why: the summary reviewers read")
    p.add_argument("--major", action="store_true", help="a major change (2.0 after 1.4)")

    p = sub.add_parser("reviews", help="list open proposals; `reviews show N` prints one")
    p.add_argument("action", nargs="?", choices=["show"], help="show one proposal's diff")
    p.add_argument("number", nargs="?", metavar="N", help="proposal number (or ID/N)")
    p.add_argument("--state", choices=[OPEN, APPROVED, REJECTED], default=OPEN)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = sub.add_parser("approve", help="sign off a proposal as yourself (your git identity)")
    p.add_argument("number", metavar="N", help="proposal number (or ID/N)")
    p.add_argument("-m", "--message", default="", help="a comment kept with the approval")

    p = sub.add_parser("reject", help="close a proposal, keeping the reason in git")
    p.add_argument("number", metavar="N", help="proposal number (or ID/N)")
    p.add_argument("-m", "--message", required=True, help="the reason")

    p = sub.add_parser("verify", help="audit main: every document change signed off; exit 1 if not")
    p.add_argument("--since", metavar="REV", help="only commits after this revision")
    p.add_argument("--rev", metavar="REV", help="check this commit's history instead of main's")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = sub.add_parser("history", help="approved revisions of a document, newest first")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")

    p = sub.add_parser("diff", help="what changed between two revisions of a document")
    p.add_argument("id", metavar="ID")
    p.add_argument("rev_a", nargs="?", metavar="REV_A", help="a version (1.2) or git revision")
    p.add_argument("rev_b", nargs="?", metavar="REV_B", help="a version or git revision")
    p.add_argument("--worktree", action="store_true", help="your unsaved edits against main")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")

    p = sub.add_parser("restore", help="propose bringing back an old version's text")
    p.add_argument("id", metavar="ID")
    p.add_argument("--to", required=True, metavar="VERSION", help="the version to bring back")
    p.add_argument("-m", "--message", default="", help="why (default: 'Restore ID to ...')")
    p.add_argument("--major", action="store_true", help="count it as a major change")

    p = sub.add_parser("sync", help="fetch, bring main up to date, push; report what came in")
    p.add_argument("--remote", metavar="NAME", help="the git remote (default: main's, or origin)")

    p = sub.add_parser("demo", help="create a copy of the sample vault with a git history")
    p.add_argument("dir", type=Path, metavar="DIR", help="a new folder")


def _revisions(args: argparse.Namespace) -> DocumentControl:
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.workspace import Workspace

    return DocumentControl(Workspace.open(args.vault))


def cmd_propose(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    prop = revisions.proposals.propose(args.ids, args.message, major=args.major)
    docs = versions_label(prop.documents)
    print(f"proposal {prop.number}: {inert(docs)} (waiting for review; ref {prop.ref})")
    return EXIT_OK


def cmd_reviews(args: argparse.Namespace) -> int:
    from sopvault.render.rich import age

    revisions = _revisions(args)
    if args.action == "show":
        if not args.number:
            raise SopvaultError("say which proposal: sopvault reviews show N")
        prop = revisions.proposals.get(args.number)
        if args.json:
            print(json.dumps(_proposal_json(prop), indent=2, ensure_ascii=False))
            return EXIT_OK
        print(_proposal_header(prop))
        print()
        sys.stdout.write(inert(revisions.proposals.diff(prop)))
        return EXIT_OK
    if args.number:
        raise SopvaultError(
            f"unexpected {args.number!r}: did you mean `reviews show {args.number}`?"
        )
    found = revisions.proposals.listing(args.state)
    if args.json:
        print(json.dumps([_proposal_json(p) for p in found], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not found:
        sys.stderr.write(f"no {args.state} proposals\n")
        return EXIT_OK
    for prop in found:
        docs = versions_label(prop.documents)
        approvals = f" {len(prop.approvals)} approval(s)" if prop.approvals else ""
        print(
            f"{prop.number:>4}  {inert(docs):<22} {inert(prop.author.name):<18}"
            f" {age(prop.date, datetime.now(UTC)):>8}{approvals}  {inert(prop.summary)}"
        )
    return EXIT_OK


def _proposal_header(prop: Proposal) -> str:
    docs = versions_label(prop.documents)
    lines = [
        f"proposal {prop.number} ({prop.state}): {docs}",
        f"author:   {prop.author}",
        f"date:     {prop.date}",
        f"summary:  {prop.summary}",
    ]
    if prop.body:
        lines.append(f"details:  {prop.body}")
    for who in prop.approvals:
        lines.append(f"approved: {who}")
    if prop.rejected_by:
        lines.append(f"rejected: {prop.rejected_by}: {prop.reason}")
    return inert("\n".join(lines))


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
        "rejected_by": str(prop.rejected_by) if prop.rejected_by else None,
        "reason": prop.reason or None,
        "commit": prop.commit,
        "base": prop.base,
        "ref": prop.ref,
    }


def cmd_approve(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    result = revisions.approvals.approve(args.number, args.message)
    prop = result.proposal
    if not result.landed:
        print(
            f"approval recorded for proposal {prop.number}:"
            f" {result.approvals} of {result.needed}; it lands on {revisions.ws.main}"
            " when the last reviewer approves"
        )
        return EXIT_OK
    docs = versions_label(prop.documents)
    print(
        f"approved proposal {prop.number}: {inert(docs)} is effective on {revisions.ws.main}"
        f" ({result.commit[:10]})"
    )
    for path in result.kept_local:
        sys.stderr.write(f"note: kept your own edits in {inert(path)}; it now differs from main\n")
    return EXIT_OK


def cmd_reject(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    prop = revisions.proposals.reject(args.number, args.message)
    print(f"rejected proposal {prop.number}; the reason is kept in {prop.ref}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    report = revisions.audit.verify(args.since, args.rev)
    if args.json:
        data = {
            "commits": report.commits,
            "checked": report.checked,
            "unverifiable_signatures": report.unverifiable_signatures,
            "violations": [
                {
                    "commit": v.commit,
                    "date": v.date,
                    "author": str(v.author),
                    "documents": list(v.paths),
                    "reason": v.reason.value,
                    "detail": v.detail,
                }
                for v in report.violations
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for v in report.violations:
            shown = ", ".join(v.paths[:3]) + (
                f" (+{len(v.paths) - 3} more)" if len(v.paths) > 3 else ""
            )
            print(inert(f"{v.commit[:10]} {v.date[:10]} {v.reason.value}: {shown}: {v.detail}"))
        if report.unverifiable_signatures:
            sys.stderr.write(
                f"note: {report.unverifiable_signatures} signed commit(s) could not be checked"
                " (no key to check against: set gpg.ssh.allowedSignersFile or import the keys)\n"
            )
        verdict = "ok" if not report.violations else f"{len(report.violations)} violation(s)"
        sys.stderr.write(
            f"verify: {report.checked} document change(s) checked on {revisions.ws.main}:"
            f" {verdict}\n"
        )
    return EXIT_FAILURE if report.violations else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    found = revisions.history.revisions(args.id)
    if args.json:
        print(json.dumps([_revision_json(r) for r in found], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not found:
        sys.stderr.write(f"{inert(args.id)} has no approved revisions on {revisions.ws.main}\n")
        return EXIT_OK
    for rev in found:
        approvers = ", ".join(a.name for a in rev.approvers)
        print(
            inert(
                f"{rev.version:>6}  {rev.date[:10]}  {rev.commit[:10]}  {rev.author.name}"
                f"  approved by {approvers}  {rev.summary}"
            )
        )
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
    }


def cmd_diff(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    if args.rev_b and not args.rev_a:
        raise SopvaultError("give REV_A before REV_B")
    old, new = revisions.history.diff_texts(args.id, args.rev_a, args.rev_b, worktree=args.worktree)
    _print_diff(old, new, args.color)
    return EXIT_OK


def _print_diff(old: TextAt, new: TextAt, color: str) -> None:
    from sopvault.render.rich import unified_diff

    text = unified_diff(old.label, old.text, new.label, new.text)
    if not text:
        sys.stderr.write("no differences\n")
        return
    if color == "never" or (color == "auto" and not sys.stdout.isatty()):
        sys.stdout.write(inert(text))
        return
    from rich.console import Console

    from sopvault.render.rich import diff_renderable

    Console(force_terminal=True, highlight=False).print(diff_renderable(text))


def cmd_restore(args: argparse.Namespace) -> int:
    revisions = _revisions(args)
    prop = revisions.proposals.restore(args.id, args.to, args.message, major=args.major)
    docs = versions_label(prop.documents)
    print(
        f"proposal {prop.number}: {inert(docs)} brings back {inert(args.to)} (waiting for review)"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from sopvault.services.demo import make_demo

    report = make_demo(args.dir)
    print(f"demo vault with history at {report.root}")
    print(f"  {report.commits} commits, {report.open_proposals} open proposal(s), try:")
    print(f"  cd {report.root} && sopvault history SOP-003 && sopvault reviews && sopvault verify")
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from sopvault.services.sync import Sync

    report = Sync(_revisions(args), args.remote).sync()
    print(inert(f"synced with {report.remote} ({report.url})"))
    for line in report.lines():
        print(inert(line))
    return EXIT_OK


COMMANDS = {
    "propose": cmd_propose,
    "reviews": cmd_reviews,
    "approve": cmd_approve,
    "reject": cmd_reject,
    "verify": cmd_verify,
    "history": cmd_history,
    "diff": cmd_diff,
    "restore": cmd_restore,
    "demo": cmd_demo,
    "sync": cmd_sync,
}
