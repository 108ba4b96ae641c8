"""``[publish]`` of ``sopvault.toml`` read and validated: the controlled-copy banner's
wording, whose placeholders are checked when the vault is read, never at export time
(issue 16). A placeholder is a bare name: no attribute, index, conversion or format
specification, so the wording cannot reach into Python objects (``{version.__class__}``)."""

from __future__ import annotations

from string import Formatter
from typing import Any

from sopvault.errors import ConfigError
from sopvault.model.publishsettings import BANNER_FIELDS, PublishSettings

KNOWN = ("banner",)
MAX_BANNER = 500  # characters: one or two lines on a printed page


def publish_settings(table: Any, path: str) -> PublishSettings:
    """``[publish]`` as settings; ConfigError naming the key for an unknown key, a banner
    that is not a string, longer than MAX_BANNER, or whose ``{placeholder}`` is not one
    of BANNER_FIELDS (or is malformed: an unmatched brace)."""
    if not isinstance(table, dict):
        raise ConfigError("[publish] must be a table", path=path)
    for key in table:
        if key not in KNOWN:
            raise ConfigError(
                f"[publish] has unknown key {key!r} (known: {', '.join(KNOWN)})", path=path
            )
    banner = table.get("banner", PublishSettings().banner)
    if not isinstance(banner, str) or not banner.strip():
        raise ConfigError("[publish] 'banner' must be a non-empty string", path=path)
    if len(banner) > MAX_BANNER or "\n" in banner or "\r" in banner:
        raise ConfigError(
            f"[publish] 'banner' must be one line of at most {MAX_BANNER} characters", path=path
        )
    _check_placeholders(banner, path)
    return PublishSettings(banner=banner)


def _check_placeholders(banner: str, path: str) -> None:
    known = ", ".join("{" + name + "}" for name in BANNER_FIELDS)
    try:
        parts = list(Formatter().parse(banner))
    except ValueError as err:
        raise ConfigError(
            f"[publish] 'banner' is not valid wording ({err}); write {{{{ and }}}} for a brace",
            path=path,
        ) from None
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in BANNER_FIELDS or spec or conversion:
            raise ConfigError(
                f"[publish] 'banner' has placeholder {{{name}}}: use only {known}", path=path
            )


def banner_text(settings: PublishSettings, values: dict[str, str]) -> str:
    """The banner with its placeholders filled from ``values`` (every BANNER_FIELDS key;
    a missing one stays as written). The result is plain text: the page escapes it."""
    filled = {name: values.get(name, "{" + name + "}") for name in BANNER_FIELDS}
    return settings.banner.format_map(filled)
