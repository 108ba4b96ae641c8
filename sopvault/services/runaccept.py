"""Accepting a run's deviations: four eyes, judged by ``core.approval.judge``.

With ``[runs] deviation_approvers`` in the ``sopvault.toml`` main holds (never the working
copy's: Trust §4), a run with deviations completes only when, for each deviation, someone
other than the person who recorded it, and allowed by that list, has accepted it. Each
acceptance is an ``accept`` event committed at once by the acceptor (trailer
``Run-Accepts``), so git records who really made it: the committer of that commit is the
vote's ``recorded_by``, as for a sign-off (a vote that names another person is forged).
"""

from __future__ import annotations

from sopvault.core.approval import Rules, judge
from sopvault.core.trailers import pairs_of
from sopvault.model.config import ReviewRules, VaultConfig
from sopvault.model.control import Identity, Vote
from sopvault.model.run import Event, Run, StepEntry
from sopvault.store.git.repo import Repo

ACCEPTS = "Run-Accepts"


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


def refusal_to_accept(run: Run, who: str, rules: Rules | None) -> str | None:
    """Why ``who`` may not accept ``run``'s waiting deviations (one line), or None: the
    same judge as approvals, with ``who`` as the one voter and each deviation's recorder
    as its author (self-acceptance is a self-approval)."""
    me = _identity(who)
    if rules is None:
        rules = Rules(1, False, ((),), ())
    for entry in run.unaccepted():
        vote = Vote("", me, me)
        problems = judge(_identity(entry.by), [vote], rules)
        if problems:
            return _reason(entry, problems[0][1], rules)
    return None


def completion_refusal(run: Run, rules: Rules | None, repo: Repo | None, path: str) -> str | None:
    """Why ``run`` may not complete yet because of its deviations (one line), or None.

    Each deviation in force is judged with the acceptances that name it as its votes:
    ``recorded_by`` is the committer of the commit whose ``Run-Accepts`` trailer names the
    acceptance (``path``: the run file in the repository); outside git, the person the
    acceptance names."""
    if rules is None or not run.deviations():
        return None
    committers = _acceptance_commits(repo, path) if repo is not None else {}
    for entry in run.deviations():
        votes = [
            _vote(event, committers, repo is None) for event in run.accepted.get(entry.event, [])
        ]
        problems = judge(_identity(entry.by), votes, rules)
        if problems:
            return _reason(entry, problems[0][1], rules)
    return None


def _vote(event: Event, committers: dict[str, tuple[str, Identity]], trusted: bool) -> Vote:
    me = _identity(event.by)
    if event.id in committers:
        sha, committer = committers[event.id]
        return Vote(sha, me, committer)
    nobody = me if trusted else Identity("no commit", "nobody@sopvault.invalid")
    return Vote("", me, nobody)


def _acceptance_commits(repo: Repo, path: str) -> dict[str, tuple[str, Identity]]:
    """For each acceptance event id: the commit naming it in ``Run-Accepts``, and its
    committer (the oldest such commit counts)."""
    found: dict[str, tuple[str, Identity]] = {}
    head = repo.rev("HEAD")
    if head is None:
        return found
    for commit in repo.log(head, paths=(path,)):
        for event_id in pairs_of(commit.trailers, ACCEPTS):
            found[event_id.strip()] = (commit.sha, commit.committer)
    return found


def _reason(entry: StepEntry, problem: str, rules: Rules) -> str:
    return (
        f"the deviation at step {entry.number} ({entry.deviation}) is not accepted: {problem};"
        f" it must be accepted by {rules.who_may()}, never by who recorded it"
        " (`sopvault runs accept RUN`)"
    )


def _identity(text: str) -> Identity:
    return Identity.parse(text) or Identity(text, text)
