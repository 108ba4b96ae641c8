"""Read and write ``sopvault.toml``: the vault's name, people, review rules, ids and folders."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import tomli_w

from sopvault.core.frontmatter import FrontMatterError, parse_toml
from sopvault.core.localtime import zone_of
from sopvault.core.notifyconfig import notify_settings
from sopvault.core.publishconfig import publish_settings
from sopvault.core.readback import mismatch
from sopvault.errors import ConfigError
from sopvault.model.config import (
    DEFAULT_FOLDERS,
    DEFAULT_ID_PREFIXES,
    DEFAULT_SIGNERS_FILE,
    Person,
    ReviewRules,
    VaultConfig,
)
from sopvault.model.document import Kind, is_valid_id
from sopvault.model.notify import NotifySettings
from sopvault.model.publishsettings import PublishSettings

CONFIG_FILE = "sopvault.toml"


def parse_config(text: str, path: str = CONFIG_FILE) -> VaultConfig:
    """Parse the config text; any wrong value is a ConfigError naming the key."""
    try:
        data = parse_toml(text, 1)
    except FrontMatterError as err:
        raise ConfigError(err.message, path=path, line=err.line) from None
    return _build(data, path)


def _fail(path: str, message: str) -> ConfigError:
    return ConfigError(message, path=path)


def _strings(value: Any, key: str, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, f"'{key}' must be a list of strings")
    return tuple(value)


def _table(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(path, f"[{key}] must be a table")
    return value


def _build(data: dict[str, Any], path: str) -> VaultConfig:
    name = data.get("name", "")
    if not isinstance(name, str):
        raise _fail(path, "'name' must be a string")
    people: dict[str, Person] = {}
    for handle, entry in _table(data, "people", path).items():
        if not is_valid_id(handle):
            raise _fail(path, f"person handle {handle!r} must match [A-Za-z0-9][A-Za-z0-9._-]*")
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise _fail(path, f"[people.{handle}] needs a 'name' string")
        email = entry.get("email")
        if email is not None and not isinstance(email, str):
            raise _fail(path, f"[people.{handle}] 'email' must be a string")
        roles = _strings(entry.get("roles", []), f"people.{handle}.roles", path)
        people[handle] = Person(handle=handle, name=entry["name"], email=email, roles=roles)
    review_table = _table(data, "review", path)
    approvals = review_table.get("approvals", 1)
    if isinstance(approvals, bool) or not isinstance(approvals, int) or approvals < 1:
        raise _fail(path, "[review] 'approvals' must be a whole number of at least 1")
    approvers = _strings(review_table.get("approvers", []), "review.approvers", path)
    review = _signing(review_table, ReviewRules(approvals=approvals, approvers=approvers), path)
    prefixes = dict(DEFAULT_ID_PREFIXES)
    for kind_name, prefix in _table(data, "ids", path).items():
        kind = _kind(kind_name, "ids", path)
        if not isinstance(prefix, str) or not is_valid_id(prefix):
            raise _fail(path, f'[ids] {kind_name} must be an id-safe string such as "SOP"')
        prefixes[kind] = prefix
    folders = dict(DEFAULT_FOLDERS)
    for kind_name, folder in _table(data, "folders", path).items():
        kind = _kind(kind_name, "folders", path)
        if not isinstance(folder, str) or not _safe_folder(folder):
            raise _fail(path, f"[folders] {kind_name} must be a relative folder inside the vault")
        folders[kind] = folder.strip("/")
    branch = data.get("main_branch")
    if branch is not None and not isinstance(branch, str):
        raise _fail(path, "'main_branch' must be a string")
    checks = _table(data, "checks", path)
    extra_verbs = _strings(checks.get("extra_verbs", []), "checks.extra_verbs", path)
    runs_table = _table(data, "runs", path)
    deviation_approvers = _strings(
        runs_table.get("deviation_approvers", []), "runs.deviation_approvers", path
    )
    return VaultConfig(
        timezone=_timezone(_table(data, "vault", path), path),
        name=name,
        people=people,
        review=review,
        id_prefixes=prefixes,
        folders=folders,
        main_branch=branch,
        extra_verbs=tuple(v.lower() for v in extra_verbs),
        deviation_approvers=deviation_approvers,
        notify=notify_settings(data["notify"], path) if "notify" in data else NotifySettings(),
        publish=publish_settings(data["publish"], path) if "publish" in data else PublishSettings(),
    )


def _signing(table: dict[str, Any], rules: ReviewRules, path: str) -> ReviewRules:
    """``require_signatures`` and ``allowed_signers`` of ``[review]`` added to ``rules``."""
    required = table.get("require_signatures", False)
    if not isinstance(required, bool):
        raise _fail(path, "[review] 'require_signatures' must be true or false")
    signers = table.get("allowed_signers", DEFAULT_SIGNERS_FILE)
    if not isinstance(signers, str) or not _safe_folder(signers):
        raise _fail(path, "[review] 'allowed_signers' must be a relative file inside the vault")
    return replace(rules, require_signatures=required, allowed_signers=signers.strip("/"))


def _timezone(table: dict[str, Any], path: str) -> str | None:
    """``[vault] timezone`` when it names a zone of the IANA database; ConfigError else."""
    name = table.get("timezone")
    if name is None:
        return None
    if not isinstance(name, str) or zone_of(name) is None:
        raise _fail(
            path,
            f"[vault] 'timezone' must name a time zone such as \"Europe/Berlin\", not {name!r}",
        )
    return name


def _kind(name: str, table: str, path: str) -> Kind:
    try:
        return Kind(name)
    except ValueError:
        raise _fail(path, f"[{table}] has unknown kind {name!r}") from None


def _safe_folder(folder: str) -> bool:
    parts = folder.strip("/").split("/")
    return (
        not folder.startswith(("/", "\\"))
        and ":" not in folder
        and all(p and p not in (".", "..") and not p.startswith(".") for p in parts)
    )


def default_config_text(name: str) -> str:
    """The commented sopvault.toml that ``sopvault init`` writes, read back before it is
    returned (issue 12, Trust §1): it must parse to the default settings with ``name`` as
    the vault's name, or ConfigError says why and nothing is written."""
    text = DEFAULT_CONFIG.replace("__NAME__", tomli_w.dumps({"n": name})[4:].strip())
    expected = {**parse_toml(DEFAULT_CONFIG.replace("__NAME__", '""'), 1), "name": name}
    problem = mismatch(text, expected)
    if problem is not None:
        raise ConfigError(f"the new settings are refused: {problem}; nothing written")
    return text


DEFAULT_CONFIG = """\
# sopvault settings. Every key is described in docs/format.md.
name = __NAME__

# The branch that holds approved documents. Leave out to use the repository's default.
# main_branch = "main"

# People who own, write and approve documents. Front matter names them by handle
# (owner = "alice"); roles are matched by approver rules and run assignments.
# [people.alice]
# name = "Alice Example"
# email = "alice@example.com"
# roles = ["quality manager"]

[review]
# Sign-offs a change needs before it is effective.
approvals = 1
# Who may approve: handles, or "role:<role>". Empty means anyone but the author.
approvers = []
# Signed sign-offs: every approval must be signed with an SSH key that the allowed-signers
# file (git's gpg.ssh.allowedSignersFile format, kept in the vault) lists for the reviewer.
# require_signatures = true
# allowed_signers = "allowed_signers"

[runs]
# Who must accept a run's deviations (a value out of range, a failed control point, a
# skipped control point) before it completes: handles, or "role:<role>"; never the person
# who recorded them. Empty means deviations are recorded and need no acceptance.
deviation_approvers = []

[ids]
# Prefixes for the ids that `sopvault new` hands out (SOP-001, WI-002, ...).
policy = "POL"
process = "PRC"
procedure = "SOP"
work_instruction = "WI"
standard = "STD"
form = "FRM"

[folders]
# Where `sopvault new` puts each kind of document, relative to the vault.
policy = "policies"
process = "processes"
procedure = "procedures"
work_instruction = "work-instructions"
standard = "standards"
form = "forms"

[checks]
# Trade verbs your steps start with that the built-in list lacks.
extra_verbs = []

# `sopvault notify` tells each person what they must act on now (docs/notifications.md).
# Credentials come from the environment (SOPVAULT_SMTP_USER, SOPVAULT_SMTP_PASSWORD), never
# from this file; a command channel's program from your own notify.toml, never from here.
# [notify]
# channels = ["email"]
# smtp_host = "mail.example.com"
# smtp_port = 587
# starttls = true
# from = "sopvault@example.com"
# site_url = "https://sops.example.com"
"""
