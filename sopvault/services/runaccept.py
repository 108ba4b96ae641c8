"""Accepting a run's deviations: four eyes, judged by ``core.approval.judge``.

With ``[runs] deviation_approvers`` in the ``sopvault.toml`` main holds (never the working
copy's: Trust §4), a run with deviations completes only when, for each deviation recorded
(corrected since or not), someone other than the person who recorded it (and who typed it,
for an answer recorded ``--as`` someone), and allowed by that list, has accepted it.

An acceptance counts only as git recorded it: ``runs accept`` commits the ``accept`` event
at once (trailer ``Run-Accepts: <event id>``), and the vote is read from that commit: the
deviations it accepts are those its line names *in that commit*, among the deviations the
log held then (an ``accepts`` list edited afterwards, or an accept line written by hand,
counts for nothing), and who recorded it is the commit's author (kept when sync replays the
commit on the server's main). A vote that names another person than its commit's author is
forged, as for a sign-off.
"""

from __future__ import annotations

from dataclasses import replace

from sopvault.core.approval import Rules, judge
from sopvault.core.trailers import pairs_of
from sopvault.model.config import ReviewRules, VaultConfig
from sopvault.model.control import Identity, Refusal, Vote
from sopvault.model.run import Event, EventType, Run
from sopvault.services.review.signoff import SignOffs
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import Repo
from sopvault.store.runlog import RunFileError, loads

ACCEPTS = "Run-Accepts"
# Per deviation event id: the votes accepting it.
Votes = dict[str, list[Vote]]


def acceptance_rules(config: VaultConfig) -> Rules | None:
    """The rules deviations are accepted by (one acceptance by one of
    ``deviation_approvers``); None when the vault asks for no acceptance."""
    if not config.deviation_approvers:
        return None
    review = ReviewRules(
        approvals=1,
        approvers=config.deviation_approvers,
        require_signatures=config.review.require_signatures,
        allowed_signers=config.review.allowed_signers,
    )
    return Rules.for_change(review, config.people.values(), [()])


def waiting(run: Run, votes: Votes, rules: Rules | None) -> list[Event]:
    """The recorded deviations that no genuine acceptance has accepted yet."""
    rules = rules or _anyone_else()
    return [e for e in run.recorded_deviations() if _problem(e, votes.get(e.id, []), rules)]


def refusal_to_accept(run: Run, pending: list[Event], who: str, rules: Rules | None) -> str | None:
    """Why ``who`` may not accept the deviations ``pending`` (one line), or None: the same
    judge as approvals, with ``who`` as the one voter and each deviation's recorder as its
    author (self-acceptance is a self-approval)."""
    me = _identity(who)
    # Signatures are judged on the committed acceptance, when the run completes.
    rules = replace(rules, require_signatures=False) if rules else _anyone_else()
    for event in pending:
        problem = _problem(event, [Vote("", me, me)], rules)
        if problem:
            return _reason(run, event, problem, rules)
    return None


def completion_refusal(run: Run, votes: Votes, rules: Rules | None) -> str | None:
    """Why ``run`` may not complete yet because of its deviations (one line), or None."""
    if rules is None:
        return None
    for event in run.recorded_deviations():
        problem = _problem(event, votes.get(event.id, []), rules)
        if problem:
            return _reason(run, event, problem, rules)
    return None


def _problem(deviation: Event, votes: list[Vote], rules: Rules) -> str | None:
    """What is wrong with ``deviation``'s acceptance, or None; the person who typed an
    answer recorded for someone else may not accept it either."""
    typed = _identity(deviation.entered_by) if deviation.entered_by else None
    if typed is not None and any(v.reviewer.same_as(typed) for v in votes):
        return f"{typed} typed it (for {deviation.by}) and may not accept it"
    problems = judge(_identity(deviation.by), votes, rules)
    if not problems:
        return None
    refusal, text = problems[0]
    return "nobody has accepted it yet" if refusal is Refusal.UNREVIEWED else text


def committed_votes(run: Run, repo: Repo | None, path: str) -> Votes:
    """The genuine acceptances of ``run``'s deviations, per deviation event id.

    In git: read from the commits whose ``Run-Accepts`` trailer names an acceptance, each
    taken from the log as that commit holds it (``path``: the run file in the
    repository). Outside git, where nothing can prove who wrote a line, the acceptances
    in the log as they stand."""
    if repo is None:
        found: Votes = {}
        for event in run.events:
            if event.type is EventType.ACCEPT:
                me = _identity(event.by)
                for accepted in event.accepts:
                    found.setdefault(accepted, []).append(Vote("", me, me))
        return found
    return _from_commits(repo, path)


def genuine_votes(ws: Workspace, run: Run, rules: Rules | None) -> Votes:
    """``committed_votes`` of ``run`` in ``ws``, each with who signed its commit when
    ``rules`` (the acceptance rules main holds) require signed sign-offs (``[review]
    require_signatures``: checked against the allowed-signers file main holds, as for
    sign-offs)."""
    votes = committed_votes(run, ws.repo, ws.repo_path(run.file))
    if ws.repo is None or rules is None or not rules.require_signatures:
        return votes
    signoffs = SignOffs(ws)
    tip = signoffs.main_tip()
    flat = [v for found in votes.values() for v in found]
    signers = {v.commit: v.signer for v in signoffs.signed(flat, tip)}
    return {k: [replace(v, signer=signers.get(v.commit)) for v in f] for k, f in votes.items()}


def _from_commits(repo: Repo, path: str) -> Votes:
    found: Votes = {}
    head = repo.rev("HEAD")
    if head is None:
        return found
    for commit in repo.log(head, paths=(path,)):
        named = {e.strip() for e in pairs_of(commit.trailers, ACCEPTS)}
        if not named:
            continue
        data = repo.blob(commit.sha, path)
        try:
            logged = loads(data.decode("utf-8"), path) if data else None
        except (RunFileError, UnicodeDecodeError):
            logged = None
        if logged is None:
            continue
        deviations = {e.id for e in logged.recorded_deviations()}
        for event in logged.events:
            if event.type is EventType.ACCEPT and event.id in named:
                vote = Vote(commit.sha, _identity(event.by), commit.author)
                for accepted in set(event.accepts) & deviations:
                    found.setdefault(accepted, []).append(vote)
    return found


def _reason(run: Run, event: Event, problem: str, rules: Rules) -> str:
    where = f"step {event.step}" if event.step is not None else "the run"
    return (
        f"the deviation #{run.number_of(event.id)} at {where} ({event.deviation}) is not"
        f" accepted: {problem}; it must be accepted by {rules.who_may()}, never by who"
        " recorded it (`sopvault runs accept RUN`)"
    )


def _anyone_else() -> Rules:
    """Without ``deviation_approvers``: anyone but the recorder may accept."""
    return Rules(1, False, ((),), ())


def _identity(text: str) -> Identity:
    return Identity.parse(text) or Identity(text, text)
