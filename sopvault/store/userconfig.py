"""The user's own sopvault configuration folder, outside every vault: where the notify
command channel's program is named (issue 15), because a vault may come from anyone and
nothing in it runs as code (docs/security.md).

``<user config>/sopvault/notify.toml``: ``<user config>`` is platformdirs'
(``$XDG_CONFIG_HOME`` or ``~/.config`` on Linux, ``~/Library/Application Support`` on
macOS); ``$SOPVAULT_CONFIG_DIR`` replaces ``<user config>/sopvault``. The file is read
only when it belongs to the current user and neither group nor others may write it (nor
its folder): a file another account can change would let that account choose the program.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from sopvault.errors import ConfigError

CONFIG_ENV = "SOPVAULT_CONFIG_DIR"


def config_root() -> Path:
    """``$SOPVAULT_CONFIG_DIR``, else platformdirs' user configuration folder for sopvault."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    return platformdirs.user_config_path("sopvault", appauthor=False)


def read_user_file(name: str) -> tuple[Path, str | None]:
    """(path, text) of the user's ``name`` in ``config_root``; text None when the file does
    not exist. Raises ConfigError naming the file when it or its folder belongs to another
    user, can be written by group or others, is not a regular file, or is not UTF-8."""
    folder = config_root()
    path = folder / name
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return path, None
    except OSError as err:
        raise ConfigError(f"cannot be read ({err.strerror or err})", path=str(path)) from None
    for where, facts in ((path, info), (folder, os.stat(folder))):
        problem = _unsafe(facts)
        if problem:
            raise ConfigError(f"{where} {problem}: not used", path=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError("is not a regular file", path=str(path))
    try:
        return path, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot be read ({err})", path=str(path)) from None


def _unsafe(info: os.stat_result) -> str:
    if info.st_uid != os.getuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return ""
