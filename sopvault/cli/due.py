"""``sopvault due``: what is due (reviews, proposals, acknowledgements, open runs and my
steps), for people and for cron or CI: exit 1 when anything is overdue, 0 otherwise, 2
when it could not tell (ISO 9001 §7.5.3 periodic review, §9.1 monitoring)."""

from __future__ import annotations

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, print_table, say
from sopvault.core.due import parse_days

EXIT_OK, EXIT_OVERDUE = 0, 1


@click.command()
@click.option(
    "--within", default="30d", metavar="DAYS", help="reviews due within DAYS (30d, 2w; default 30d)"
)
@click.option(
    "--stale",
    default="7d",
    metavar="DAYS",
    help="a proposal waiting longer than DAYS is overdue (default 7d)",
)
@click.option("--mine", is_flag=True, help="only what I own, may approve or am assigned")
@json_option()
@vault_option
def due(within: str, stale: str, mine: bool, as_json: bool) -> int:
    """What is due: reviews coming up or overdue, proposals waiting for me (or for anyone
    too long), acknowledgements I owe, open runs and my steps. Exit 1 when anything is
    overdue (for cron: `sopvault due --mine || mail ...`), 2 when it cannot tell."""
    from sopvault.render.due import sections, summary_line, when
    from sopvault.services.due import Due
    from sopvault.services.workspace import Workspace

    days, stale_days = parse_days(within, "--within"), parse_days(stale, "--stale")
    ws = Workspace.of(open_vault())
    report = Due(ws).report(within=days, stale=stale_days, mine=mine)
    for note in report.notes:
        say(f"sopvault: note: {note}", err=True)
    if as_json:
        from sopvault.render.due import as_json as json_form

        print_json(json_form(report))
        return EXIT_OVERDUE if report.overdue() else EXIT_OK
    who = f" for {report.me}" if report.me else ""
    say(f"What is due on {when(report.today)}{who} (reviews within {days} days)")
    for section in sections(report, ws.zone):
        say("")
        say(section.heading())
        if section.rows:
            rows = [["LATE" if r.overdue else "", *r.cells] for r in section.rows]
            print_table(["", *section.headers], rows)
    say("")
    say(summary_line(report))
    return EXIT_OVERDUE if report.overdue() else EXIT_OK
