"""Parameter types: kinds and statuses that accept the words people type, and document
ids, run ids and proposal numbers that the shell can complete from the vault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import click
from click.shell_completion import CompletionItem

from sopvault.errors import DocumentNotFound, Invalid
from sopvault.model.document import Kind, Status

if TYPE_CHECKING:
    from sopvault.services.vault import Vault

E = TypeVar("E", bound=Enum)
# A close-enough id for "did you mean": typos in the number or the prefix, not any id.
SUGGEST_CUTOFF = 0.7


# Click's releases type ParamType as a generic of two parameters (8.2-8.4), of one (8.5),
# or not at all (8.1): subclassed bare (pyproject's mypy override for this module).
class WordChoice(click.ParamType, Generic[E]):
    """One of an enum's values as people type it (``wi``, ``sop``, "in review", any case):
    the enum's own ``parse`` decides (``Kind.parse``, ``Status.parse``), so the CLI and every
    other reader accept the same words; a word it refuses is a usage error naming the choices."""

    def __init__(self, name: str, enum: type[E], parse: Callable[[str], E]) -> None:
        self.name = name
        self.choices = [str(member.value) for member in enum]
        self.parse = parse

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        """The choices as help shows them: ``[policy|process|...]``."""
        return "[" + "|".join(self.choices) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> E:
        """The enum member for what was typed; fails (exit 2) naming the choices."""
        if isinstance(value, Enum):
            return value  # type: ignore[return-value]
        try:
            return self.parse(str(value))
        except Invalid:
            self.fail(f"{value!r} is not one of: {', '.join(self.choices)}", param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        """The canonical values that start with what was typed."""
        return [CompletionItem(c) for c in self.choices if c.startswith(incomplete.lower())]


KIND = WordChoice("kind", Kind, Kind.parse)
STATUS = WordChoice("status", Status, Status.parse)


class CompletedText(click.ParamType):
    """Text taken as typed, completed by the shell from ``candidates(ctx)``.

    The candidates are read from the vault only when the shell asks (see completion.py);
    a typed prefix matches case-insensitively, so ``sop-0`` offers ``SOP-001``."""

    def __init__(
        self, name: str, candidates: Callable[[click.Context], list[str]], *, lower: bool = False
    ) -> None:
        self.name = name
        self.candidates = candidates
        self.lower = lower

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The text as typed, or in lower case for values that are always written so (run
        ids: ``20261130-100703-13e0``), so any case finds them."""
        return str(value).lower() if self.lower else str(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        """Every candidate that starts with ``incomplete``, ignoring case."""
        prefix = incomplete.lower()
        return [CompletionItem(c) for c in self.candidates(ctx) if c.lower().startswith(prefix)]


def _document_ids(ctx: click.Context) -> list[str]:
    from sopvault.cli.completion import document_ids

    return document_ids(ctx)


def _run_ids(ctx: click.Context) -> list[str]:
    from sopvault.cli.completion import run_ids

    return run_ids(ctx)


def _proposal_numbers(ctx: click.Context) -> list[str]:
    from sopvault.cli.completion import proposal_numbers

    return proposal_numbers(ctx)


DOCUMENT_ID = CompletedText("ID", _document_ids)
RUN_ID = CompletedText("RUN", _run_ids, lower=True)
PROPOSAL = CompletedText("N", _proposal_numbers)


def resolve_label(vault: Vault, typed: str) -> str:
    """A proposal as typed (``6`` or ``wi-004/6``) with the document id as the vault spells
    it."""
    doc_id, slash, number = typed.rpartition("/")
    return f"{resolve_id(vault, doc_id)}/{number}" if slash else typed


def resolve_id(vault: Vault, typed: str) -> str:
    """The vault's own spelling of a typed document id (``sop-010`` -> ``SOP-010``).

    An id the working tree does not hold is returned as typed, so the service gives its
    usual answer (an invalid id, or one only in git history for ``history`` and ``diff``)."""
    ids = vault.state.documents
    if typed in ids:
        return typed
    return {known.lower(): known for known in ids}.get(typed.lower(), typed)


def require_id(vault: Vault, typed: str) -> str:
    """The vault's own spelling of a document id that must be in the working tree; raises
    DocumentNotFound, with "did you mean" when one is close, when no document has it."""
    doc_id = resolve_id(vault, typed)
    if doc_id not in vault.state.documents:
        raise unknown_id(vault, typed)
    return doc_id


def unknown_id(vault: Vault, typed: str) -> DocumentNotFound:
    """ "no document with id 'SOP-99'; did you mean SOP-009?" for an id no document has."""
    return not_found(vault, typed, DocumentNotFound(f"no document with id {typed!r}"))


def not_found(vault: Vault, typed: str, err: DocumentNotFound) -> DocumentNotFound:
    """``err`` with "; did you mean SOP-010?" added when ``typed`` is close to a known id."""
    ids = list(vault.state.documents)
    import difflib  # here: only a mistyped id asks

    close = difflib.get_close_matches(typed.upper(), ids, n=1, cutoff=SUGGEST_CUTOFF)
    if not close:
        return err
    return DocumentNotFound(
        f"{err.message}; did you mean {close[0]}?", path=err.path, line=err.line
    )


@contextmanager
def suggesting(vault: Vault, typed: str) -> Iterator[None]:
    """Add "did you mean SOP-010?" to a DocumentNotFound raised inside, when ``typed`` is
    close to a known id; the error stays one line and keeps its exit code."""
    try:
        yield
    except DocumentNotFound as err:
        raise not_found(vault, typed, err) from None
