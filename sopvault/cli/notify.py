"""``sopvault notify``: send each person what they must act on now (issue 15), once per
event, for a cron job or a systemd timer. Exit 0 when every delivery succeeded (or there
was nothing new), 2 when one failed (the others are still sent), 1 for a configuration
error before anything was sent."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, say, say_block
from sopvault.core.wording import counted

if TYPE_CHECKING:
    from sopvault.render.notify import NotifyWriter
    from sopvault.services.notify import Batch, Outcome

EXIT_OK, EXIT_FAILED = 0, 2


@click.command()
@click.option("--dry-run", is_flag=True, help="print what would be sent; send and mark nothing")
@json_option()
@vault_option
def notify(dry_run: bool, as_json: bool) -> int:
    """Send each person of [people] what they must act on now: their steps that became
    actionable or late, proposals waiting for their review, acknowledgements they owe,
    periodic reviews of documents they own. One e-mail per person (and one JSON object
    per notification to your own command), each event once. Exit 2 if a delivery failed."""
    from sopvault.render.notify import NotifyWriter
    from sopvault.services.notify import Notify
    from sopvault.services.workspace import Workspace

    ws = Workspace.of(open_vault())
    config = ws.vault.config
    writer = NotifyWriter(config.name or ws.root.name, ws.zone, ws.now())
    outcome = Notify(ws).send(writer, dry_run=dry_run)
    for note in outcome.notes:
        say(f"sopvault: note: {note}", err=True)
    if as_json:
        print_json(
            {
                "dry_run": outcome.dry_run,
                "state": str(outcome.state),
                "notes": outcome.notes,
                "batches": [
                    {
                        "person": b.person.handle,
                        "channel": str(b.channel),
                        "address": b.address,
                        "sent": bool(b.delivered),
                        "skipped": b.skipped or None,
                        "error": b.error or None,
                        "notifications": [writer.payload(i) for i in b.items],
                    }
                    for b in outcome.batches
                ],
            }
        )
    else:
        _report(outcome, writer)
    return EXIT_FAILED if outcome.failed() else EXIT_OK


def _report(outcome: Outcome, writer: NotifyWriter) -> None:
    """Plain lines: per person and channel what was sent, skipped or failed; with
    --dry-run the messages themselves."""
    for batch in outcome.batches:
        what = counted(len(batch.items), "notification")
        where = f"{batch.person.handle} ({batch.channel} {batch.address or '-'})"
        if batch.skipped:
            say(f"sopvault: warning: {where}: {what} not sent: {batch.skipped}", err=True)
        elif batch.error:  # the command channel may have delivered the first ones
            if batch.delivered:
                say(f"sent {counted(len(batch.delivered), 'notification')} to {where}")
            left = counted(len(batch.items) - len(batch.delivered), "notification")
            say(f"sopvault: error: {where}: {left} not sent: {batch.error}", err=True)
        elif outcome.dry_run:
            _preview(batch, writer)
        else:
            say(f"sent {what} to {where}")
    if not outcome.batches:
        say("nothing new to send")
    elif outcome.dry_run:
        say(f"dry run: nothing sent, nothing marked as sent ({outcome.state})")


def _preview(batch: Batch, writer: NotifyWriter) -> None:
    """One batch as it would go: the e-mail (To, Subject, body) or the JSON objects."""
    if batch.channel == "email":
        subject, body = writer.email(batch.person, batch.items)
        say(f"To: {batch.address}")
        say(f"Subject: {subject}")
        say("")
        say_block(body)
        return
    objects = counted(len(batch.items), "JSON object")
    say(f"To the command channel for {batch.person.handle}, {objects}:")
    for item in batch.items:
        say(json.dumps(writer.payload(item), ensure_ascii=True, sort_keys=True))
