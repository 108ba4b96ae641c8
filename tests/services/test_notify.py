"""Issue 15 (notify): `Notify` against a real SMTP server on 127.0.0.1 (aiosmtpd): who
gets which e-mail, what it says, each event once, new events when they happen, and
nothing marked as sent when the server is down or refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sopvault.errors import ConfigError
from sopvault.render.notify import NotifyWriter
from sopvault.services.notify import Notify, Outcome
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from tests.conftest import act_as, commit_all, workspace_at
from tests.notifyhelp import configure, free_port, password_check, smtp_server

pytestmark = pytest.mark.usefixtures("utc")

START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ALICE, BILAL = "alice.moreno@harrowfinch.example", "bilal.okafor@harrowfinch.example"
DMITRI = "dmitri.volkov@harrowfinch.example"


def send(root: Path, moment: datetime | None = None, *, dry_run: bool = False) -> Outcome:
    ws = workspace_at(root) if moment is None else Workspace.open(root, clock=lambda: moment)
    writer = NotifyWriter("Harrow & Finch Ltd", None, ws.now())
    return Notify(ws).send(writer, dry_run=dry_run)


def sent_file(outcome: Outcome) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(outcome.state.read_text())["sent"]
    return data


def test_each_person_gets_one_message_naming_what_to_do(demo_path: Path) -> None:
    """Issue 15 (notify): on the demo, one e-mail per person with something to act on:
    Alice's names her acknowledgements and late reviews with the commands and pages that
    open them; Bilal's the proposal waiting for his review. A second run sends nothing."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        outcome = send(demo_path)
        assert not outcome.failed()
        recipients = box.recipients()
        assert len(recipients) == len(set(recipients)) == len(outcome.batches)
        assert {ALICE, BILAL, DMITRI} <= set(recipients)
        [alice] = box.to(ALICE)
        assert alice["From"] == "sopvault@harrowfinch.example" and alice["To"] == ALICE
        assert alice["Subject"] == "[sopvault] Harrow & Finch Ltd: 5 things to do, 2 late"
        body = alice.get_content()
        assert body.startswith("Hello Alice Moreno,")
        assert 'Read and acknowledge SOP-001 "Set up a shipment plan in Amazon FBA"' in body
        assert "(revision 1.4)" in body and "Open it: sopvault ack SOP-001" in body
        assert "LATE  The periodic review of PRC-008" in body and "was due on 2026-11-01" in body
        assert "Open it: sopvault show PRC-008" in body
        assert "Page: https://sops.example/docs/SOP-001.html" in body
        [bilal] = box.to(BILAL)
        text = bilal.get_content()
        assert "Proposal WI-004/6 (WI-004 1.1 proposed) waits for your review" in text
        assert "Open it: sopvault reviews show 6" in text and "(late)" in text
        assert "ack-owed:SOP-001@1.4" in sent_file(outcome)[f"email:{ALICE}"]
        again = send(demo_path)
        assert again.batches == [] and len(box.received) == len(recipients)


def test_a_new_event_is_sent_when_it_happens(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (notify): Dmitri, the run's plant operator, is told step 1 is his when the
    run starts, step 2 once step 1 is answered, and again when step 2 is late (another
    event); a cron job every few minutes in between repeats nothing."""
    act_as(monkeypatch, "Dmitri Volkov")
    with smtp_server() as (box, port):
        configure(sample_path, port)
        runs = Runs(Workspace.open(sample_path, clock=lambda: START))
        run = runs.start("SOP-010", roles={"plant operator": "dmitri"}).run
        send(sample_path, START)
        [first] = box.to(DMITRI)
        body = first.get_content()
        assert "Step 1 of SOP-010" in body and "is yours to do now" in body
        assert f"Open it: sopvault run --resume {run.id}" in body
        assert "role plant operator" in body
        send(sample_path, START + timedelta(minutes=5))
        assert len(box.to(DMITRI)) == 1
        runs.mark(run.id, 1, "done", value="yes")
        send(sample_path, START + timedelta(minutes=10))
        second = box.to(DMITRI)[1].get_content()
        assert "Step 2 of SOP-010" in second and "Step 1" not in second
        assert "Due 2026-11-25 08:30 UTC" in second and "(late)" not in second
        send(sample_path, START + timedelta(minutes=20))
        send(sample_path, START + timedelta(hours=1))
        third = box.to(DMITRI)[2]
        assert "1 late" in third["Subject"]
        assert "LATE  Step 2 of SOP-010" in third.get_content()
        assert "is late" in third.get_content()
        assert send(sample_path, START + timedelta(hours=2)).batches == []
        assert len(box.to(DMITRI)) == 3


def test_server_down_marks_nothing(demo_path: Path) -> None:
    """Issue 15 (notify): nothing listens on the port: every person's delivery fails with
    one line naming host:port and the reason, and nothing is recorded as sent."""
    port = free_port()
    configure(demo_path, port)
    outcome = send(demo_path)
    assert outcome.batches and outcome.failed() == outcome.batches
    assert {b.error for b in outcome.batches} == {f"127.0.0.1:{port}: Connection refused"}
    assert not outcome.state.exists()


def test_a_refused_recipient_keeps_their_events(demo_path: Path) -> None:
    """Issue 15 (notify): the server answers 550 for Bilal: his delivery fails (the reply
    in the error) and nothing is marked for him; the others are sent. The next run sends
    Bilal's alone."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        box.refuse.add(BILAL)
        outcome = send(demo_path)
        [failed] = outcome.failed()
        assert failed.address == BILAL
        assert failed.error == (
            f"127.0.0.1:{port}: {BILAL} refused: the server answered 550 5.1.1 mailbox unavailable"
        )
        assert f"email:{BILAL}" not in sent_file(outcome)
        assert ALICE in box.recipients() and BILAL not in box.recipients()
        box.refuse.clear()
        count = len(box.received)
        later = send(demo_path)
        assert [b.address for b in later.batches] == [BILAL] and not later.failed()
        assert box.recipients()[count:] == [BILAL]


def test_dry_run_sends_and_marks_nothing(demo_path: Path) -> None:
    """Issue 15 (notify): --dry-run plans the same batches and sends or marks nothing."""
    with smtp_server() as (box, port):
        configure(demo_path, port)
        dry = send(demo_path, dry_run=True)
        assert dry.dry_run and dry.batches and box.received == []
        assert not dry.state.exists()
        real = send(demo_path)
        assert [b.address for b in real.batches] == [b.address for b in dry.batches]


def test_starttls_is_asked_for_and_credentials_guarded(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (notify): with starttls on, a server without STARTTLS is a clear failure
    (nothing sent in clear); credentials only from the environment, both or neither, and
    never over a connection without STARTTLS to another machine."""
    with smtp_server() as (box, port):
        configure(demo_path, port, extra="starttls = true\n")
        outcome = send(demo_path)
        assert outcome.failed() == outcome.batches and box.received == []
        assert "STARTTLS extension not supported by server" in outcome.batches[0].error
    monkeypatch.setenv("SOPVAULT_SMTP_USER", "sopvault")
    with pytest.raises(ConfigError, match="SOPVAULT_SMTP_PASSWORD, or neither"):
        send(demo_path)
    monkeypatch.setenv("SOPVAULT_SMTP_PASSWORD", "secret")
    text = (demo_path / "sopvault.toml").read_text()
    monkeypatch.setenv("SOPVAULT_SMTP_HOST", "mail.example")
    (demo_path / "sopvault.toml").write_text(
        text.replace('smtp_host = "127.0.0.1"', 'smtp_host = "mail.example"').replace(
            "starttls = true", "starttls = false"
        )
    )
    with pytest.raises(ConfigError, match="in clear"):
        send(demo_path)


def test_credentials_from_the_environment_log_in(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (notify): SOPVAULT_SMTP_USER and SOPVAULT_SMTP_PASSWORD log in (to this
    machine, without STARTTLS); a wrong password is each person's one-line failure with
    the server's reply, and nothing is marked."""
    check = password_check("sopvault", "right")
    with smtp_server(authenticator=check, auth_require_tls=False) as (box, port):
        configure(demo_path, port)
        monkeypatch.setenv("SOPVAULT_SMTP_USER", "sopvault")
        monkeypatch.setenv("SOPVAULT_SMTP_PASSWORD", "wrong")
        with pytest.raises(ConfigError, match="SOPVAULT_SMTP_HOST is not set"):
            send(demo_path)
        monkeypatch.setenv("SOPVAULT_SMTP_HOST", "127.0.0.1")
        refused = send(demo_path)
        assert refused.failed() == refused.batches and box.received == []
        assert refused.batches[0].error.startswith(f"127.0.0.1:{port}: the server answered 535")
        assert not refused.state.exists()
        monkeypatch.setenv("SOPVAULT_SMTP_PASSWORD", "right")
        accepted = send(demo_path)
        assert not accepted.failed() and len(box.received) == len(accepted.batches)


def test_a_vault_cannot_send_the_password_to_a_server_of_its_choosing(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (notify): the credentials are the user's, for the server the user names
    (SOPVAULT_SMTP_HOST); a vault whose smtp_host names another server (a pulled change, a
    vault from anyone) is refused before any connection, naming both, and nothing is sent."""
    check = password_check("sopvault", "right")
    with smtp_server(authenticator=check, auth_require_tls=False) as (box, port):
        configure(demo_path, port)
        monkeypatch.setenv("SOPVAULT_SMTP_USER", "sopvault")
        monkeypatch.setenv("SOPVAULT_SMTP_PASSWORD", "right")
        monkeypatch.setenv("SOPVAULT_SMTP_HOST", "mail.harrowfinch.example")
        with pytest.raises(
            ConfigError, match=r"SOPVAULT_SMTP_HOST=mail\.harrowfinch\.example.*127\.0\.0\.1"
        ):
            send(demo_path)
        assert box.received == []


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('smtp_password = "hunter2"', "never holds credentials"),
        ('smtp_user = "ops"', "SOPVAULT_SMTP_USER"),
        ('command = ["curl", "https://evil.example"]', "never names a program"),
        ("smtp_port = 0", "'smtp_port' must be a port"),
        ('channels = ["sms"]', "unknown channel 'sms'"),
    ],
)
def test_a_vault_names_no_secret_and_no_program(demo_path: Path, line: str, says: str) -> None:
    """Issue 15 (notify): [notify] is validated when the vault opens; a password, a user
    name or a program to run in it is refused, naming the key."""
    path = demo_path / "sopvault.toml"
    path.write_text(path.read_text() + f'\n[notify]\nfrom = "a@b.example"\n{line}\n')
    with pytest.raises(ConfigError, match=says):
        Workspace.open(demo_path)


def test_a_person_without_e_mail_is_reported_and_skipped(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15 (notify): Ivan (in [people] on main, no e-mail) runs a step: his batch is
    skipped with the reason, not a failure, and nothing is marked for him."""
    config = sample_path / "sopvault.toml"
    text = config.read_text().replace(
        "[review]", '[people.ivan]\nname = "Ivan Petrov"\nroles = ["plant operator"]\n\n[review]'
    )
    config.write_text(text)
    commit_all(sample_path, "Ivan joins")
    with smtp_server() as (box, port):
        configure(sample_path, port)
        Runs(Workspace.open(sample_path, clock=lambda: START)).start(
            "SOP-010", roles={"plant operator": "ivan"}
        )
        outcome = send(sample_path, START)
        [ivan] = [b for b in outcome.batches if b.person.handle == "ivan"]
        assert ivan.skipped == "no e-mail address in [people]" and not outcome.failed()
        assert "email:" not in sent_file(outcome)
        assert box.received  # the others still get theirs
