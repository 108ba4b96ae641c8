"""``[publish]`` of ``sopvault.toml``: the wording of the controlled-copy banner every page
of the HTML export and every PDF carries (issue 16; ISO 9001 §7.5.3: documented
information is identified as the approved revision; printed copies are uncontrolled).

Apart from ``model.publish`` (the pages), because every command reads the configuration
and only an export builds pages: their dataclasses cost a short command like ``due``
about 10 ms to import."""

from __future__ import annotations

from dataclasses import dataclass

# The placeholders a banner may use, and what each becomes (docs/format.md, [publish]).
BANNER_FIELDS: dict[str, str] = {
    "id": "the document's id",
    "title": "its title",
    "version": "the revision shown",
    "effective": "its effective date (or 'not set')",
    "approved_by": "the names who signed the revision, joined by 'and'",
    "approved_at": "when it was approved, in the vault's time zone",
    "exported": "the day the copy was exported",
}

DEFAULT_BANNER = (
    "Controlled copy: revision {version}, effective {effective}, approved by {approved_by}"
    " on {approved_at}. Printed copies are uncontrolled."
)


@dataclass(frozen=True)
class PublishSettings:
    """``[publish]``: ``banner``, the controlled-copy line with ``{placeholders}`` from
    BANNER_FIELDS (validated when the configuration is read)."""

    banner: str = DEFAULT_BANNER
