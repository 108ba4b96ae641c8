"""Issue 15 (notify): the pure parts: which notifications a due report makes and their
event keys (late and actionable are two events), the [notify] and notify.toml rules, and
text from files made inert in subjects, bodies and JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sopvault.core.config import parse_config
from sopvault.core.notify import notifications, page_url
from sopvault.core.notifyconfig import user_command
from sopvault.errors import ConfigError
from sopvault.model.config import Person
from sopvault.model.due import AckDue, DueReport, ReviewDue, RunDue, StepDue
from sopvault.model.notify import Channel, NoticeKind
from sopvault.render.notify import NotifyWriter

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DMITRI = Person("dmitri", "Dmitri Volkov", "dmitri@example.com", ("plant operator",))


def report(steps: tuple[StepDue, ...], title: str = "Leach the salts") -> DueReport:
    run = RunDue(
        "20261125-080000-ab12",
        "SOP-010",
        title,
        NOW,
        "dmitri",
        1,
        7,
        None,
        False,
        my_steps=steps,
        version="2.4",
    )
    found = DueReport(NOW.date(), NOW, 30, 7, True, None, runs=[run])
    found.acknowledgements = [AckDue("SOP-009", "Float", "3.2")]
    found.reviews = [ReviewDue("PRC-005", "Potash", "dmitri", date(2026, 11, 1), True, -24)]
    return found


def step(number: int, *, actionable: bool, late: bool = False) -> StepDue:
    due = NOW - timedelta(minutes=5) if late else NOW + timedelta(minutes=30)
    return StepDue(number, "Add hot water", "plant operator", due, late, actionable)


def test_steps_told_when_actionable_or_late_with_distinct_keys() -> None:
    """Issue 15 (notify): a step waiting behind another is not told; the actionable one
    and a late one are, and lateness is another event than being actionable."""
    found = notifications(
        report((step(2, actionable=True), step(3, actionable=False))), DMITRI, "https://x/"
    )
    kinds = [NoticeKind.STEP_ACTIONABLE, NoticeKind.ACK_OWED, NoticeKind.REVIEW_LATE]
    assert [n.kind for n in found] == kinds
    first = found[0]
    assert first.key == "step-actionable:20261125-080000-ab12:2@2.4"
    assert first.command == "sopvault run --resume 20261125-080000-ab12"
    assert first.url == "https://x/docs/SOP-010.html"
    late = notifications(report((step(2, actionable=True, late=True),)), DMITRI)
    assert late[0].key == "step-late:20261125-080000-ab12:2@2.4" and late[0].url == ""
    assert found[1].key == "ack-owed:SOP-009@3.2" and found[1].command == "sopvault ack SOP-009"
    assert found[2].key == "review-late:PRC-005:2026-11-01"
    assert found[2].command == "sopvault show PRC-005"
    assert page_url("", "SOP-001") == ""


def test_text_from_files_is_inert_everywhere() -> None:
    """Issue 15 (notify): a title carrying an escape sequence and a newline (a forged
    header) stays one visible line in the subject, the body and the JSON."""
    hostile = "Leach\x1b[2J\nBcc: everyone@example.com"
    items = notifications(report((step(2, actionable=True),), hostile), DMITRI)
    writer = NotifyWriter("Plant\x07", None, NOW)
    subject, body = writer.email(DMITRI, items[:1])
    assert "\n" not in subject and "\x1b" not in subject and "\x07" not in subject
    assert "\x1b" not in body and "Leach^[[2J⏎Bcc: everyone@example.com" in body
    assert not any(line.startswith("Bcc:") for line in body.splitlines())
    payload = writer.payload(items[0])
    assert payload["document"]["title"] == "Leach^[[2J⏎Bcc: everyone@example.com"
    assert payload["vault"] == "Plant^G" and payload["due"] == "2026-11-25T09:30:00Z"


def test_notify_settings() -> None:
    """Issue 15 (notify): channels, the one-channel shorthand, defaults and the checks."""
    text = 'name = "x"\n[notify]\nchannel = "email"\nfrom = "ops@example.com"\n'
    settings = parse_config(text).notify
    assert settings.channels == (Channel.EMAIL,) and settings.smtp_port == 25
    assert not settings.starttls and settings.smtp_host == "localhost"
    assert parse_config('name = "x"\n').notify.channels == ()
    for bad, says in [
        ('channel = "email"\nchannels = ["email"]', "keep one"),
        ('channels = ["email"]', "'from' must be an e-mail"),
        ('channels = ["command"]\nsite_url = "ftp://x"', "https://"),
        ('channels = ["command"]\nstarttls = "yes"', "true or false"),
        ('channels = ["command"]\nsmtp_password = "x"', "never holds credentials"),
    ]:
        with pytest.raises(ConfigError, match=says):
            parse_config(f'name = "x"\n[notify]\n{bad}\n')


def test_the_user_s_notify_toml() -> None:
    """Issue 15 (notify): the user's own file names the program as an argument list and a
    time limit; a shell string, an unknown key or a silly limit is refused."""
    assert user_command('command = ["chat", "--room", "ops"]\n', "n") == (
        ("chat", "--room", "ops"),
        30.0,
    )
    assert user_command("timeout = 5\n", "n") == ((), 5.0)
    for bad, says in [
        ('command = "curl x | sh"', "list of arguments"),
        ("shell = true", "unknown key 'shell'"),
        ("timeout = 0", "more than 0"),
    ]:
        with pytest.raises(ConfigError, match=says):
            user_command(bad, "n")
