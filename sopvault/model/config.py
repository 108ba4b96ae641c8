"""The settings of a vault (``sopvault.toml``): people, review rules, id prefixes, folders."""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.model.document import Kind
from sopvault.model.notify import NotifySettings
from sopvault.model.publishsettings import PublishSettings


@dataclass(frozen=True)
class Person:
    """Someone who owns, authors or approves documents, named by handle in front matter."""

    handle: str
    name: str
    email: str | None = None
    roles: tuple[str, ...] = ()


# The allowed-signers file's default name: visible, outside every cache and ignored folder.
DEFAULT_SIGNERS_FILE = "allowed_signers"


@dataclass(frozen=True)
class ReviewRules:
    """How many sign-offs a change needs and who may give them (empty = anyone but the author);
    with ``require_signatures`` every sign-off commit must carry an SSH signature by a key
    that ``allowed_signers`` (a vault-relative file in git's ``gpg.ssh.allowedSignersFile``
    format) lists for the reviewer it names."""

    approvals: int = 1
    approvers: tuple[str, ...] = ()
    require_signatures: bool = False
    allowed_signers: str = DEFAULT_SIGNERS_FILE


DEFAULT_ID_PREFIXES: dict[Kind, str] = {
    Kind.POLICY: "POL",
    Kind.PROCESS: "PRC",
    Kind.PROCEDURE: "SOP",
    Kind.WORK_INSTRUCTION: "WI",
    Kind.STANDARD: "STD",
    Kind.FORM: "FRM",
}

DEFAULT_FOLDERS: dict[Kind, str] = {
    Kind.POLICY: "policies",
    Kind.PROCESS: "processes",
    Kind.PROCEDURE: "procedures",
    Kind.WORK_INSTRUCTION: "work-instructions",
    Kind.STANDARD: "standards",
    Kind.FORM: "forms",
}


@dataclass(frozen=True)
class VaultConfig:
    """The settings in ``sopvault.toml``."""

    name: str
    people: dict[str, Person] = field(default_factory=dict)
    review: ReviewRules = field(default_factory=ReviewRules)
    id_prefixes: dict[Kind, str] = field(default_factory=lambda: dict(DEFAULT_ID_PREFIXES))
    folders: dict[Kind, str] = field(default_factory=lambda: dict(DEFAULT_FOLDERS))
    main_branch: str | None = None
    extra_verbs: tuple[str, ...] = ()
    # ``[runs] deviation_approvers``: handles or ``role:`` entries, one of whom (never the
    # person who recorded it) must accept a run's deviations before it completes; empty:
    # deviations need no acceptance.
    deviation_approvers: tuple[str, ...] = ()
    # ``[vault] timezone``: the IANA zone (``Europe/Berlin``) times are shown in, for a team
    # whose machines run in UTC; None: each user's own local time zone. Times are always
    # recorded in UTC.
    timezone: str | None = None
    # ``[notify]``: channels, SMTP server and the export's address (issue 15).
    notify: NotifySettings = field(default_factory=NotifySettings)
    # ``[publish]``: the controlled-copy banner of the HTML export and PDFs (issue 16).
    publish: PublishSettings = field(default_factory=PublishSettings)
