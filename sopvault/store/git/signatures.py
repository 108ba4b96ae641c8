"""Who signed a commit, by git's own check against an allowed-signers file from history.

git verifies an SSH signature with ``ssh-keygen -Y`` against the file named by
``gpg.ssh.allowedSignersFile`` and prints the principal the key is listed for (``%GS``).
The file verify must use is the one committed in the vault before the sign-off, not the
user's own: its bytes are written to a private temporary file (a folder only this user
can read) that is removed afterwards.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path

from sopvault.store.git.runner import Runner


def signers(runner: Runner, shas: list[str], allowed_signers: bytes) -> dict[str, str | None]:
    """{commit: principal whose listed key made a good signature (git's ``%G?`` is ``G``),
    else None} for each of ``shas``, from one ``git log --no-walk``. Raises GitError
    for an unknown commit."""
    if not shas:
        return {}
    # Separators drawn per call, as ``log.log`` draws them: no printed field can forge one.
    token = secrets.token_hex(8)
    FS, RS = f"\x1f{token}\x1f", f"\x1e{token}\x1e"  # noqa: N806
    with tempfile.TemporaryDirectory(prefix="sopvault-signers-") as folder:
        path = Path(folder) / "allowed_signers"
        path.write_bytes(allowed_signers)
        out = runner.run(
            [
                "-c",
                f"gpg.ssh.allowedSignersFile={path}",
                "-c",
                "log.showSignature=false",
                "log",
                "--no-walk=unsorted",
                f"--format={RS}%H{FS}%G?{FS}%GS",
                "--end-of-options",
                *shas,
                "--",
            ]
        )
    found: dict[str, str | None] = {}
    for record in out.decode("utf-8", "surrogateescape").split(RS)[1:]:
        sha, status, principal = (record.strip("\n").split(FS) + ["", ""])[:3]
        found[sha] = principal.strip() if status == "G" and principal.strip() else None
    return found


# The files GnuPG reads its keys and their trust from (``gpg``, ``gpgsm``), in its home.
_GNUPG_FILES = ("pubring.kbx", "pubring.gpg", "trustdb.gpg", "trustlist.txt", "tofu.db")
# The settings that name files git's SSH signature check reads.
_SSH_FILES = ("gpg.ssh.allowedsignersfile", "gpg.ssh.revocationfile")


def environment(runner: Runner) -> str:
    """A digest of what git's signature checks (``%G?``, ``%GS``) depend on besides the
    commits: every ``gpg.*`` setting git sees (the programs, ``gpg.ssh.*``,
    ``gpg.minTrustLevel``), the files the SSH settings name and GnuPG's key and trust
    files (``$GNUPGHOME`` or ``~/.gnupg``), each by size, time and inode. A verdict on a
    signature made under one digest may differ under another (a key imported, a signer
    listed): ``verify`` trusts its record of judged commits only under the same one."""
    done = runner.call(["config", "--null", "--get-regexp", r"^gpg\."])
    settings = done.stdout if done.returncode == 0 else b""
    digest = hashlib.sha256(settings)
    named = []
    for entry in settings.split(b"\0"):
        key, _, value = entry.decode("utf-8", "surrogateescape").partition("\n")
        if key.lower() in _SSH_FILES and value:
            named += [Path(value).expanduser(), runner.root / value]
    home = Path(os.environ.get("GNUPGHOME") or Path.home() / ".gnupg")
    for path in [*named, *(home / name for name in _GNUPG_FILES)]:
        try:
            info = os.stat(path)
            stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ino}"
        except OSError:
            stamp = "-"
        digest.update(f"\0{path}\0{stamp}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
