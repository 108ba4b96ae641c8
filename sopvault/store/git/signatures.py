"""Who signed a commit, by git's own check against an allowed-signers file from history.

git verifies an SSH signature with ``ssh-keygen -Y`` against the file named by
``gpg.ssh.allowedSignersFile`` and prints the principal the key is listed for (``%GS``).
The file verify must use is the one committed in the vault before the sign-off, not the
user's own: its bytes are written to a private temporary file (a folder only this user
can read) that is removed afterwards.
"""

from __future__ import annotations

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
