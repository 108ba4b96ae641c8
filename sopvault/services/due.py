"""What is due, gathered: reviews coming up, proposals waiting, acknowledgements owed and
open runs with the steps that fall to the acting person (``sopvault due``, the dashboard).

Fast on a large vault by design: the documents in force and the acknowledgements owed
come from one listing of main's tree and front matter cached by blob id
(``services.ackmain``), never from a working copy nobody approved; runs from the runs
cache; proposals from their refs. No history walk, no vault load, no search index.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sopvault.core import due as rules
from sopvault.errors import SopvaultError
from sopvault.model.config import Person
from sopvault.model.control import Identity, ProposalState
from sopvault.model.due import AckDue, DueReport, ProposalDue, RunDue, StepDue
from sopvault.model.run import Run
from sopvault.services.acks import Acknowledgements, HistoryCut
from sopvault.services.runfiles import parse
from sopvault.services.runlist import list_runs
from sopvault.services.workspace import Workspace
from sopvault.store.git import refs

if TYPE_CHECKING:  # made only when needed: `due` on a vault with no proposal loads less
    from sopvault.services.review.approvals import Approvals
    from sopvault.services.review.control import DocumentControl
    from sopvault.services.runs import Runs
    from sopvault.services.runtext import FollowedTexts


DEFAULT_WITHIN = 30  # days ahead a review counts as coming up
DEFAULT_STALE = 7  # days a proposal may wait before it is overdue


class Due:
    """What is due on one workspace, for the acting person (git's ``user.email`` matched
    to ``[people]``). ``control`` and ``runs`` are the caller's services when it has them
    (the TUI's), made here otherwise."""

    def __init__(
        self, ws: Workspace, control: DocumentControl | None = None, runs: Runs | None = None
    ) -> None:
        self.ws = ws
        self._control = control
        self._runs = runs
        self._acks: Acknowledgements | None = None
        self._approvals: Approvals | None = None
        self._texts: FollowedTexts | None = None

    def report(
        self, *, within: int = DEFAULT_WITHIN, stale: int = DEFAULT_STALE, mine: bool = False
    ) -> DueReport:
        """The four lists, each sorted by deadline then key, deterministic for a given
        clock. ``within``: days ahead for reviews; ``stale``: days a proposal may wait;
        ``mine``: only the reviews I own, the proposals I may approve (or made, once
        stale) and the runs I started or fill a role in. What cannot be read (no git, a
        broken run file) is a note, never a failure; raises SopvaultError (GitError) only
        when git fails, or when the vault cannot be loaded outside git."""
        self._acks = None  # main is read afresh for every report (the dashboard's too)
        return self._gather(within, stale, mine, None)

    def for_person(
        self, person: Person, *, within: int = DEFAULT_WITHIN, stale: int = DEFAULT_STALE
    ) -> DueReport:
        """``report(mine=True)`` for ``person`` of ``[people]`` instead of the acting
        person (``sopvault notify``, issue 15): the same rules, ``person``'s e-mail as
        their identity (without one, no proposal waits for them). Main is read once per
        service for every person asked; raises as ``report``."""
        return self._gather(within, stale, True, person)

    def _gather(self, within: int, stale: int, mine: bool, given: Person | None) -> DueReport:
        now, today = self.ws.now(), self.ws.today
        report = DueReport(today, now, within, stale, mine, None)
        if given is None:
            report.me = me = self._me(report.notes)
            person = self._person(me)
        else:
            person = given
            report.me = me = Identity(given.name, given.email) if given.email else None
        in_force = self._in_force()
        found = [rules.review_due(*facts, today, within) for facts in in_force]
        report.reviews = sorted(
            (r for r in found if r and (not mine or rules.names_person(r.owner, person, me))),
            key=lambda r: (r.next_review, r.doc_id),
        )
        report.proposals = self._proposals(now, stale, mine, report)
        report.acknowledgements = self._owed(report, given)
        report.runs = self._open_runs(now, mine, person, report)
        return report

    # ---- who -------------------------------------------------------------------------

    def _me(self, notes: list[str]) -> Identity | None:
        if self.ws.repo is None:
            notes.append("not in git: proposals are not listed and nobody is 'me'")
            return None
        try:
            return self.ws.identity()
        except SopvaultError as err:
            notes.append(str(err))
            return None

    def _person(self, me: Identity | None) -> Person | None:
        """The ``[people]`` entry with my e-mail (None when I am not listed)."""
        return rules.person_of(me, self.ws.vault.config.people.values())

    # ---- reviews ---------------------------------------------------------------------

    def acknowledgements(self) -> Acknowledgements:
        """The acknowledgements service: its one reading of main's tree serves both the
        acknowledgements owed and the documents in force whose review is due."""
        if self._acks is None:
            self._acks = Acknowledgements(self.ws)
        return self._acks

    def _in_force(self) -> list[tuple[str, str, str | None, date | None]]:
        """(id, title, owner, next_review) of each effective document on main, from one
        tree listing and the front matter cached by blob id (``services.ackmain``): never
        a working copy nobody approved, nor a history walk. Outside git (or before main's
        first commit), the loaded working copy's."""
        if self.ws.repo is not None:
            view = self.acknowledgements().view()  # main's tip read once, there
            if view.tip is not None:
                return [(d.doc_id, d.title, d.owner, d.next_review) for d in view.in_force.values()]
        docs = rules.in_force(self.ws.vault.state.documents.values())
        return [(d.id, d.title, d.owner, d.next_review) for d in docs]

    # ---- acknowledgements ------------------------------------------------------------

    def _owed(self, report: DueReport, given: Person | None = None) -> list[AckDue]:
        """The current revisions I (or ``given``) must read and have not acknowledged
        (ISO 9001 §7.2), as ``services.acks`` finds them on main; none outside git or
        when ``[people]`` does not list my e-mail (said in a note). The vault sets no
        deadline for them: they are listed, never overdue."""
        me = report.me
        if self.ws.repo is None or (me is None and given is None):
            return []
        acks = self.acknowledgements()
        try:
            acks.whole()
        except HistoryCut as err:
            report.notes.append(f"acknowledgements not listed: {err}")
            return []
        person = given
        if person is None and me is not None:
            person = next(
                (p for p in acks.people() if p.email and p.email.lower() == me.email.lower()),
                None,
            )
            if person is None:
                report.notes.append(f"{me.email} is not in [people]: no acknowledgements are owed")
                return []
        if person is None:
            return []
        owed = acks.owed(person)
        return [AckDue(o.doc_id, o.title, o.version, o.since) for o in owed]

    # ---- proposals -------------------------------------------------------------------

    def approvals(self) -> Approvals:
        """The caller's approvals service, else one made on first use without the rest of
        document control (audit, history, retirement: ``due`` needs none of them);
        NoRepository without git."""
        if self._control is not None:
            return self._control.approvals
        if self._approvals is None:
            from sopvault.services.review.approvals import Approvals

            self._approvals = Approvals(self.ws)
        return self._approvals

    def texts(self) -> FollowedTexts:
        """The texts runs follow: the caller's Runs service's, else made on first use
        without the rest of that service (recording, committing: ``due`` only reads)."""
        if self._runs is not None:
            return self._runs.texts
        if self._texts is None:
            from sopvault.services.review.history import History
            from sopvault.services.runtext import FollowedTexts

            history = History(self.ws) if self.ws.repo is not None else None
            self._texts = FollowedTexts(self.ws, history)
        return self._texts

    def _proposals(
        self, now: datetime, stale: int, mine: bool, report: DueReport
    ) -> list[ProposalDue]:
        repo = self.ws.repo
        tip = self.acknowledgements().view().tip if repo is not None else None  # main read once
        if repo is None or tip is None:
            return []
        listed = refs.listing(repo, ProposalState.OPEN)
        if not listed:
            return []  # the usual morning: nothing to read, nothing more to load
        approvals = self.approvals()
        me = report.me
        props = approvals.proposals.listing(ProposalState.OPEN, listed)
        # main's tip, its rules and every proposal's changed paths read once for all
        judged = approvals.rules_for_each(props, tip) if me is not None else []
        found = []
        for index, prop in enumerate(props):
            for_me = me is not None and approvals.check_approver(prop, me, judged[index]) is None
            item = rules.proposal_due(prop, _moment(prop.date, now), now, stale, for_me)
            mine_too = me is not None and prop.author.same_as(me) and item.overdue
            if for_me or (item.overdue and (mine_too or not mine)):
                found.append(item)
        return sorted(found, key=lambda p: (p.deadline, p.number))

    # ---- runs ------------------------------------------------------------------------

    def _open_runs(
        self, now: datetime, mine: bool, person: Person | None, report: DueReport
    ) -> list[RunDue]:
        vault = self.ws.vault
        listing = list_runs(vault, open_only=True)
        for problem in listing.problems:
            report.notes.append(f"cannot read {problem}")
        me = report.me
        found = []
        for summary in listing.runs:
            try:
                run = parse((vault.root / summary.file).read_text(encoding="utf-8"), summary.file)
            except (SopvaultError, OSError, UnicodeDecodeError) as err:
                report.notes.append(f"run {summary.id}: {err}")
                continue
            roles = rules.my_roles(run, person, me)
            started = rules.names_person(run.started_by, person, me)
            if mine and not (roles or started):
                continue
            steps = self._my_steps(run, roles, now, report.notes)
            found.append(rules.run_due(summary, now, steps, mine=bool(roles or started)))
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(found, key=lambda r: (r.deadline or far, r.started_at, r.run_id))

    def _my_steps(
        self, run: Run, roles: set[str], now: datetime, notes: list[str]
    ) -> list[StepDue]:
        """The pending steps of ``run`` that fall to my roles, by the text it follows (and
        the steps of a work instruction open in one of its steps, by the instruction's)."""
        if not roles:
            return []
        from sopvault.services.runnested import nested_step_roles

        try:
            texts = self.texts()
            doc = texts.document(run)
            nested = nested_step_roles(texts, run)  # a work instruction run in place
        except SopvaultError as err:
            notes.append(f"run {run.id}: {err}")
            return []
        step_roles = {i: s.role for i, s in enumerate(doc.steps, start=1) if s.role}
        return rules.steps_for(run, step_roles, roles, now, nested_roles=nested)


def _moment(iso: str, fallback: datetime) -> datetime:
    """An ISO 8601 author date as an aware UTC datetime (``fallback`` when unreadable)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
