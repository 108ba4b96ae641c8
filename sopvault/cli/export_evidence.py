"""``sopvault export evidence --since DATE OUT``: an audit's evidence pack (issue 16).

A folder holding, for the period, the revisions approved (sign-offs and structured
diffs), the runs (reports, logs byte for byte, deviations), the acknowledgements, the
output of ``verify`` for the whole history, an index and a manifest of SHA-256 sums and
git objects (ISO 9001 §9.2; 21 CFR Part 11 §11.10(b),(e); docs/evidence.md).

Exit codes: 0 the pack was written (even when ``verify`` found violations: they are in
the pack, and said on stderr); 1 refused or failed, with one line (OUT not empty, a bad
date, no git, main moved meanwhile); 2 for a command line that cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import click

from sopvault.cli.options import open_vault, vault_option
from sopvault.cli.output import say
from sopvault.core.wording import counted

EXIT_OK = 0


@click.command()
@click.option(
    "--since",
    required=True,
    metavar="DATE",
    help="the first day of the period (YYYY-MM-DD in the vault's time zone, or an ISO timestamp)",
)
@click.option(
    "--until",
    metavar="DATE",
    help="the last day of the period, whole (default: now)",
)
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path))
@vault_option
def evidence(since: str, until: str | None, out: Path) -> int:
    """Write an evidence pack for an audit to the new folder OUT: the revisions approved
    from --since to --until with their sign-offs and diffs, the runs with their reports,
    logs and deviations, the acknowledgements, verify's output, README.txt, summary.json,
    manifest.json and SHA256SUMS (check it with `sha256sum -c SHA256SUMS`)."""
    from sopvault.render.evidence import manifest_files, pack_files
    from sopvault.services.evidence import gather
    from sopvault.services.evidencepack import PackRefused, refuse_existing, write_pack
    from sopvault.services.workspace import Workspace

    ws = Workspace.of(open_vault())
    refuse_existing(out)  # before reading anything: the answer does not depend on it
    if out.absolute().resolve().is_relative_to(ws.root.resolve()):
        raise PackRefused(
            f"{out} is inside the vault: write the pack outside it (its copies of documents"
            " would be read as documents)"
        )
    found = gather(ws, since, until)
    files = pack_files(found, ws.zone)
    files += manifest_files(files, found.tip)
    written = write_pack(out, files)
    deviations = sum(len(r.run.recorded_deviations()) for r in found.runs)
    broken = len(found.unreadable)
    unreadable = f" {counted(broken, 'unreadable run log')}," if broken else ""
    say(
        f"evidence pack {written.folder}: {counted(written.files, 'file')},"
        f" {written.size} bytes, from {found.main} at {found.tip[:10]}:"
        f" {counted(len(found.revisions), 'revision')} approved,"
        f" {counted(len(found.runs), 'run')} ({counted(deviations, 'deviation')}),"
        f"{unreadable}"
        f" {counted(len(found.acks), 'acknowledgement')}"
    )
    for item in found.unreadable:
        say(f"note: run log cannot be read, copied as committed: {item.reason}", err=True)
    if found.verify is None:
        say(f"note: verify could not judge this history: {found.verify_error}", err=True)
    elif found.verify.violations:
        shown = counted(len(found.verify.violations), "violation")
        say(f"note: verify found {shown}: see verify.txt in the pack", err=True)
    return EXIT_OK
