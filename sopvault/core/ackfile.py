"""An acknowledgement file: where it lives and what it holds. Pure: names and text in,
an ``Ack`` out.

One small file per acknowledgement, added once and never changed or deleted, so two
people (or one person on two clones) acknowledging at once add two different files and
never meet in a merge::

    acks/<e-mail>/<DOC-ID>@<version>-<8 hex>.toml

The folder is the person's e-mail in lower case (git identifies people by e-mail, and so
do sign-offs); the name says which revision, and 8 random hex digits keep two records of
one revision apart. The name alone answers "who owes what" without opening any file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import tomli
import tomli_w

from sopvault.core.readback import mismatch
from sopvault.errors import Invalid
from sopvault.model.ack import MEANING, Ack
from sopvault.model.control import Identity
from sopvault.model.document import is_valid_id

ACKS_DIR = "acks"
SUFFIX = ".toml"
_EMAIL = re.compile(r"^[a-z0-9_%+=~-][a-z0-9._%+=~-]*@[a-z0-9-]+(\.[a-z0-9-]+)*$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+]*$")
_TOKEN = re.compile(r"^[0-9a-f]{8}$")
_OID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
# An acknowledgement is a few hundred characters; anything much longer is not one, and is
# not parsed (a file of megabytes, or of arrays nested thousands deep, is a finding).
MAX_CHARS = 16 * 1024
_HEADER = "# An acknowledgement (sopvault ack): added once, never edited or deleted.\n"


class AckFileError(Invalid):
    """An acknowledgement that cannot be named or read (an e-mail or version that cannot
    be part of a file name, a file that is not an acknowledgement)."""


@dataclass(frozen=True)
class AckName:
    """What an ack file's path says: whose (``email``, lower case), which document and
    version, and its random ``token``."""

    email: str
    doc_id: str
    version: str
    token: str


def folder_of(email: str) -> str:
    """``acks/<email>``: the vault-relative folder of one person's acknowledgements.
    Raises AckFileError for an e-mail that cannot be a folder name."""
    lowered = email.strip().lower()
    if not _EMAIL.match(lowered) or ".." in lowered:
        raise AckFileError(f"{email!r} cannot name an acknowledgement folder (not an e-mail)")
    return f"{ACKS_DIR}/{lowered}"


def ack_path(email: str, doc_id: str, version: str, token: str) -> str:
    """The vault-relative path of one acknowledgement. Raises AckFileError when the
    e-mail, id, version or token cannot be part of a file name."""
    if not is_valid_id(doc_id):
        raise AckFileError(f"{doc_id!r} is not a valid document id")
    if not _VERSION.match(version) or ".." in version:
        raise AckFileError(f"version {version!r} cannot be part of a file name")
    if not _TOKEN.match(token):
        raise AckFileError(f"{token!r} is not 8 hex digits")
    return f"{folder_of(email)}/{doc_id}@{version}-{token}{SUFFIX}"


def parse_path(rel: str) -> AckName | None:
    """What the vault-relative ``rel`` names, or None when it is not an ack file's path
    (the inverse of ``ack_path``)."""
    parts = rel.split("/")
    if len(parts) != 3 or parts[0] != ACKS_DIR or not parts[2].endswith(SUFFIX):
        return None
    stem = parts[2][: -len(SUFFIX)]
    head, _, token = stem.rpartition("-")
    doc_id, at, version = head.partition("@")
    try:
        if not at or ack_path(parts[1], doc_id, version, token) != rel:
            return None
    except AckFileError:
        return None
    return AckName(parts[1], doc_id, version, token)


def fields_of(ack: Ack) -> dict[str, Any]:
    """The TOML table an acknowledgement is written as (see docs/format.md)."""
    return {
        "document": ack.doc_id,
        "version": ack.version,
        "blob": ack.blob,
        "landed": ack.landed,
        "name": ack.person.name,
        "email": ack.person.email,
        "at": ack.at.astimezone(UTC).replace(microsecond=0),
        "meaning": ack.meaning,
    }


def dumps(ack: Ack) -> str:
    """The file's text; read back before it is used (``core.readback``). Raises
    AckFileError when it would not read back as written."""
    data = fields_of(ack)
    text = _HEADER + tomli_w.dumps(data)
    problem = mismatch(text, data)
    if problem is not None:
        raise AckFileError(f"acknowledgement of {ack.doc_id} {ack.version}: {problem}")
    return text


def loads(text: str, path: str) -> Ack:
    """An acknowledgement read from ``text`` (its file at vault path ``path``). Raises
    AckFileError when it is not TOML, lacks a field, or its fields disagree with its
    path (whose folder, which document and version), or it is longer than MAX_CHARS or
    nested too deeply to read."""
    if len(text) > MAX_CHARS:
        raise AckFileError(f"{len(text)} characters: far too long for one", path=path)
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as err:
        raise AckFileError(f"not TOML: {err}", path=path) from None
    except RecursionError:
        raise AckFileError("not TOML one can read: nested far too deeply", path=path) from None
    name = parse_path(path)
    if name is None:
        raise AckFileError("not an acknowledgement's file name", path=path)
    strings = {k: data.get(k) for k in ("document", "version", "blob", "landed", "name", "email")}
    missing = [k for k, v in strings.items() if not isinstance(v, str) or not v]
    at = data.get("at")
    if not isinstance(at, datetime) or at.tzinfo is None:
        missing.append("at (a date-time with its offset)")
    if missing or not isinstance(at, datetime):
        raise AckFileError(f"missing or wrong: {', '.join(missing)}", path=path)
    values = {k: str(v) for k, v in strings.items()}
    if not all(_OID.match(values[k]) for k in ("blob", "landed")):
        raise AckFileError("blob and landed must be git object ids", path=path)
    said = (values["email"].lower(), values["document"], values["version"])
    if said != (name.email, name.doc_id, name.version):
        raise AckFileError("its fields name another person or revision than its path", path=path)
    meaning = data.get("meaning")
    return Ack(
        doc_id=values["document"],
        version=values["version"],
        blob=values["blob"],
        landed=values["landed"],
        person=Identity(values["name"], values["email"]),
        at=at.astimezone(UTC),
        meaning=meaning if isinstance(meaning, str) else "",
        path=path,
    )


def is_meaning(ack: Ack) -> bool:
    """Whether the record states the meaning sopvault writes (Part 11 §11.50 b)."""
    return ack.meaning == MEANING
