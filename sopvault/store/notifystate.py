"""What ``sopvault notify`` has sent (issue 15): one JSON file in the vault's private state
folder (``store.statedir``, never the vault), so a cron job every 5 minutes tells each
event once.

``<state folder>/notify/sent.json``: ``{"format": 1, "sent": {"<channel>:<person>":
{"<event key>": "<UTC ISO time sent>"}}}``. A key is added only after delivery to that
person on that channel succeeded, by a whole-file atomic write (``store.fs.write_atomic``:
a crash leaves the old or the new file); the folder is locked while ``notify`` runs so two
runs at once take turns instead of both sending. Deleting the file forgets everything
(the next run sends what is due again); nothing else reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

from sopvault.errors import Conflict, Invalid
from sopvault.store.fs import folder_lock, write_atomic
from sopvault.store.statedir import state_dir_for

FORMAT = 1
Sent = dict[str, dict[str, str]]  # "<channel>:<person>" -> {event key: UTC ISO time}


class NotifyStateError(Invalid):
    """The file of what was sent cannot be read or written; deleting it starts afresh."""


class NotifyBusy(Conflict):
    """Another ``sopvault notify`` on this vault held the record for too long."""


def state_file(root: Path) -> Path:
    """Where the vault at ``root`` keeps what was sent (the folder is created 0700).
    Raises NotifyStateError when the folder cannot be made."""
    folder = state_dir_for(root) / "notify"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as err:
        raise NotifyStateError(f"{folder}: cannot be made ({err.strerror or err})") from None
    return folder / "sent.json"


@contextmanager
def taking_turns(path: Path, wait: float = 120.0) -> Iterator[None]:
    """Hold the lock on ``path``'s folder for a whole ``notify`` (a second run waits, then
    finds the events sent). Raises NotifyBusy after ``wait`` seconds, NotifyStateError
    when the folder cannot be opened."""
    with ExitStack() as held:
        try:
            held.enter_context(folder_lock(path.parent, wait))
        except TimeoutError:
            raise NotifyBusy(
                f"another sopvault notify has been sending for {wait:.0f} s; try again"
            ) from None
        except OSError as err:
            raise NotifyStateError(f"{path.parent}: {err.strerror or err}") from None
        yield


def load_sent(path: Path) -> Sent:
    """What was sent, per ``<channel>:<person>``; empty when the file is missing. Raises
    NotifyStateError (naming the file) when it is not this format: guessing would send
    everything again, or nothing."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise NotifyStateError(
            f"{path}: cannot be read ({err}); delete it to start afresh"
        ) from None
    sent = data.get("sent") if isinstance(data, dict) else None
    if not isinstance(sent, dict) or data.get("format") != FORMAT:
        raise NotifyStateError(f"{path}: not a sopvault notify record; delete it to start afresh")
    return {
        str(who): {str(k): str(v) for k, v in keys.items()}
        for who, keys in sent.items()
        if isinstance(keys, dict)
    }


def mark_sent(path: Path, who: str, keys: Iterable[str], at: datetime) -> None:
    """Record ``keys`` as sent to ``who`` (``<channel>:<person>``) at ``at`` (aware UTC):
    the file is read again, the keys added and the whole written atomically (fsync'd)."""
    sent = load_sent(path)
    mine = sent.setdefault(who, {})
    stamp = at.isoformat().replace("+00:00", "Z")
    for key in keys:
        mine.setdefault(key, stamp)
    text = json.dumps({"format": FORMAT, "sent": sent}, indent=1, sort_keys=True)
    try:
        write_atomic(path, text.encode("utf-8") + b"\n")
        path.chmod(0o600)
    except OSError as err:  # delivered but not recorded: said, so the user knows
        raise NotifyStateError(
            f"{path}: delivered to {who} but not recorded ({err.strerror or err})"
        ) from None
