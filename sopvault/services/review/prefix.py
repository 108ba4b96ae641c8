"""What ``verify`` carries from one whole-history run to the next, so that the next run
judges only the commits made since (issue 17, speed).

A verdict on a commit depends on its history (a commit id names its parents, trees and
message: that part cannot change), on the rules that judge it (this sopvault: its version
and the source of every module that judges), on the working copy's ``sopvault.toml``
(which paths are controlled, the defaults' name), on the repository, and for signatures
on the machine's keys (``store.git.signatures.environment``). The record is kept under a
key digesting all of these (``record_key``); a change to any of them, or another commit
at the tip whose first-parent line does not hold the recorded one (a rewritten or reset
history), makes ``verify`` read the whole history again. Grafts and shallow clones are
checked on every run before the record is read (``store.git.cuts``), and replace refs
are never followed (the runner's policy), so neither can change what was judged.

Besides the verdicts (the violations and counts, re-reported exactly as a whole run
reports them, in the same order) the record keeps the state judging later commits
needs: the rules' blob in force at the tip, the symbolic links among the vault's files,
whether a landing with its votes was met (after one, typed ``Reviewed-by`` proves
nothing), the approval landings on the line (an acknowledgement must name one made
before it) and the oldest commit read. The file is ``store.verified``'s: signed, plain
JSON, in the user's state folder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from sopvault import __version__
from sopvault.model.control import Identity, Refusal, VerifyReport, Violation
from sopvault.services.workspace import Workspace
from sopvault.store import verified

FORMAT = "1"
_T = TypeVar("_T")


# The modules whose rules decide a verdict (sign-offs, trailers, the rules file,
# acknowledgements, local state, links, which paths are documents, how git's log, main's
# commit and the history's cuts are read), by name under the package: their sources are
# read, never imported, so a second run with nothing new loads none of them.
RULES = (
    "core.approval",
    "core.trailers",
    "core.config",
    "core.ackfile",
    "core.localstate",
    "core.delimiters",
    "core.frontmatter",
    "model.control",
    "model.config",
    "model.ack",
    "services.localstate",
    "services.workspace",
    "store.fs",
    "store.verified",
    "store.git.log",
    "store.git.cuts",
    "store.git.diffs",
    "store.git.signatures",
    "store.git.discovery",
    "store.git.refread",
    "services.review.ackaudit",
    "services.review.audit",
    "services.review.common",
    "services.review.judging",
    "services.review.links",
    "services.review.signoff",
)


def rules_digest() -> str:
    """sopvault's version and a digest of the source of every module of ``RULES`` and of
    this one: a changed rule in a development checkout is a new version too."""
    package = Path(__file__).parents[2]  # the sopvault package's folder
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}".encode())
    for name in RULES:
        try:
            digest.update(package.joinpath(*name.split(".")).with_suffix(".py").read_bytes())
        except OSError:
            digest.update(name.encode())  # no source (a frozen install): the version
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def record_key(ws: Workspace) -> str:
    """The key a record is trusted under: the rules (``rules_digest``), the repository on
    this machine, the vault's folder in it, the working copy's rules as parsed, and the
    signature environment. Raises GitError when git cannot be asked."""
    repo = ws.git()
    parts = (
        rules_digest(),
        verified.repository_fingerprint(repo.root),
        ws.prefix,
        repr(ws.vault.config),
        repo.signature_environment(),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Prior:
    """The verdicts on main's first-parent line up to ``tip`` (empty ``tip``: nothing
    judged yet) and the state judging later commits needs. Violation lists keep the order
    a whole run reports them in: sign-offs newest first, local state, then changed and
    added acknowledgements oldest first."""

    tip: str = ""
    oldest: str = ""  # the oldest commit read: acks may name a landing older than it
    commits: int = 0
    checked: int = 0
    legacy: int = 0
    unverifiable: int = 0
    acks: int = 0
    config_id: str | None = None  # sopvault.toml's blob in force at the tip
    links: tuple[str, ...] = ()  # the vault's symbolic links at the tip (repository paths)
    voted: bool = False  # a landing with its votes in history was met
    approvals: str = ""  # the approval landings on the line, space-separated ids
    signoffs: list[Violation] = field(default_factory=list)
    state: list[Violation] = field(default_factory=list)
    ack_changed: list[Violation] = field(default_factory=list)
    ack_added: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._approved: frozenset[str] | None = None

    def approved(self, sha: str) -> bool:
        """Whether ``sha`` is an approval landing on the judged line."""
        if self._approved is None:
            self._approved = frozenset(self.approvals.split())
        return sha in self._approved

    def report(self) -> VerifyReport:
        """The whole run's report, exactly as ``verify`` gives it."""
        return VerifyReport(
            commits=self.commits,
            checked=self.checked,
            violations=[*self.signoffs, *self.state, *self.ack_changed, *self.ack_added],
            unverifiable_signatures=self.unverifiable,
            legacy=self.legacy,
            acks=self.acks,
        )

    def extended(self, tip: str, later: VerifyReport, parts: Later) -> Prior:
        """These verdicts followed by those on the commits after them up to ``tip``:
        ``later`` their sign-off verdicts and counts, ``parts`` the rest."""
        return replace(
            self,
            tip=tip,
            oldest=self.oldest or parts.oldest,
            commits=self.commits + later.commits,
            checked=self.checked + later.checked,
            legacy=self.legacy + later.legacy,
            unverifiable=self.unverifiable + later.unverifiable_signatures,
            acks=self.acks + parts.acks,
            config_id=parts.config_id,
            links=parts.links,
            voted=parts.voted,
            approvals=" ".join(x for x in (self.approvals, *parts.approvals) if x),
            signoffs=[*later.violations, *self.signoffs],
            state=parts.state,
            ack_changed=[*self.ack_changed, *parts.ack_changed],
            ack_added=[*self.ack_added, *parts.ack_added],
        )


@dataclass
class Later:
    """What judging the commits after a prior's tip gave besides sign-off verdicts: the
    walk's state at the new tip, the approval landings among them, the local-state
    violations of the whole history, and their acknowledgements' verdicts."""

    oldest: str
    config_id: str | None
    links: tuple[str, ...]
    voted: bool
    approvals: tuple[str, ...] = ()
    state: list[Violation] = field(default_factory=list)
    ack_changed: list[Violation] = field(default_factory=list)
    ack_added: list[Violation] = field(default_factory=list)
    acks: int = 0


class PrefixRecord:
    """The record of one vault (in its state folder), under the key of this run."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.folder = ws.vault.state_dir / "cache"
        self.secret = verified.secret_key()
        self.key = record_key(ws) if self.secret is not None else ""
        self._recorded: tuple[Prior | None] | None = None

    def recorded(self) -> Prior | None:
        """What the record holds under this key (read once), whatever the tip; None when
        there is none that reads."""
        if self.secret is None:
            return None
        if self._recorded is None:
            content = verified.read_record(self.folder, self.secret, self.key)
            self._recorded = (_decode(content) if content is not None else None,)
        return self._recorded[0]

    def prior(self, tip: str) -> Prior | None:
        """The recorded verdicts when they hold for ``tip``'s history: made under this
        key, at ``tip`` or at a commit on its first-parent line; None otherwise."""
        found = self.recorded()
        if found is None or found.tip == tip:
            return found
        repo = self.ws.git()
        if repo.rev(found.tip) != found.tip or not repo.on_first_parent_line(found.tip, tip):
            return None
        return found

    def save(self, done: Prior) -> None:
        """Keep ``done`` for the next run (nothing when no key could be had)."""
        if self.secret is not None and done.tip:
            verified.write_record(self.folder, self.secret, self.key, _encode(done))


def _encode(prior: Prior) -> dict[str, Any]:
    values = {
        key: getattr(prior, key)
        for key in ("tip", "oldest", "commits", "checked", "legacy", "unverifiable", "acks")
    }
    values.update(config_id=prior.config_id, links=list(prior.links), voted=prior.voted)
    values["approvals"] = prior.approvals
    for key in ("signoffs", "state", "ack_changed", "ack_added"):
        values[key] = [
            [v.commit, v.date, v.author.name, v.author.email, list(v.paths), v.reason.value]
            + [v.detail]
            for v in getattr(prior, key)
        ]
    return values


def _decode(values: dict[str, Any]) -> Prior | None:
    """The Prior a record holds; None when any value is not what ``_encode`` writes."""
    try:
        config_id = values["config_id"]
        if config_id is not None:
            _typed(config_id, str)
        lists = [
            [_violation(v) for v in _typed(values[key], list)]
            for key in ("signoffs", "state", "ack_changed", "ack_added")
        ]
        return Prior(
            tip=_typed(values["tip"], str),
            oldest=_typed(values["oldest"], str),
            commits=_typed(values["commits"], int),
            checked=_typed(values["checked"], int),
            legacy=_typed(values["legacy"], int),
            unverifiable=_typed(values["unverifiable"], int),
            acks=_typed(values["acks"], int),
            config_id=config_id,
            links=tuple(_typed(p, str) for p in _typed(values["links"], list)),
            voted=_typed(values["voted"], bool),
            approvals=_typed(values["approvals"], str),
            signoffs=lists[0],
            state=lists[1],
            ack_changed=lists[2],
            ack_added=lists[3],
        )
    except (KeyError, TypeError, ValueError):  # KeyError: no such field, or reason
        return None


def _violation(value: object) -> Violation:
    commit, date, name, email, paths, reason, detail = _typed(value, list)
    who = (_typed(name, str), _typed(email, str))
    author = _PEOPLE.get(who) or _PEOPLE.setdefault(who, Identity(*who))
    return Violation(
        _typed(commit, str),
        _typed(date, str),
        author,  # one Identity per person: thousands of violations name a few people
        tuple(_typed(p, str) for p in _typed(paths, list)),
        _REASONS[reason],
        _typed(detail, str),
    )


_REASONS = {reason.value: reason for reason in Refusal}
_PEOPLE: dict[tuple[str, str], Identity] = {}


def _typed(value: object, kind: type[_T]) -> _T:
    """``value`` when it is exactly of ``kind`` (a bool is no int here); TypeError else."""
    if type(value) is not kind:
        raise TypeError(f"not {kind.__name__}")
    return value
