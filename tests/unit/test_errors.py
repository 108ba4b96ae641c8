"""The error hierarchy: one line per error, and each old name under the base it belongs to."""

from __future__ import annotations

import pytest

from sopvault.core.conditions import ConditionError, parse_condition
from sopvault.core.evidence import EvidenceError
from sopvault.core.frontmatter import FrontMatterError, split
from sopvault.errors import (
    ConfigError,
    Conflict,
    DocumentError,
    DocumentNotFound,
    Invalid,
    InvalidId,
    NeedsGit,
    NotFound,
    ReadOnly,
    Refused,
    RunError,
    SopvaultError,
    VaultNotFound,
)
from sopvault.search.index import IndexUnavailable
from sopvault.search.query import QueryError
from sopvault.store.runfile import RunFileError, loads


def test_str_is_one_line_with_file_and_line() -> None:
    assert str(SopvaultError("no such step")) == "no such step"
    assert str(Invalid("bad value", path="sopvault.toml")) == "sopvault.toml: bad value"
    err = ConfigError("'approvals' must be a number", path="sopvault.toml", line=7)
    assert str(err) == "sopvault.toml:7: 'approvals' must be a number"
    assert (err.message, err.path, err.line) == ("'approvals' must be a number", "sopvault.toml", 7)


@pytest.mark.parametrize(
    ("error", "base"),
    [
        (VaultNotFound, NotFound),
        (DocumentNotFound, NotFound),
        (IndexUnavailable, NotFound),
        (InvalidId, Invalid),
        (ConfigError, Invalid),
        (DocumentError, Invalid),
        (EvidenceError, Invalid),
        (ConditionError, Invalid),
        (QueryError, Invalid),
        (RunFileError, Invalid),
        (FrontMatterError, Invalid),
        (RunError, Refused),
    ],
)
def test_old_names_sit_under_what_the_user_must_do(
    error: type[SopvaultError], base: type[SopvaultError]
) -> None:
    assert issubclass(error, base) and issubclass(base, SopvaultError)


def test_the_bases_are_distinct() -> None:
    bases = (NotFound, Invalid, Refused, Conflict, NeedsGit, ReadOnly)
    for one in bases:
        assert [b for b in bases if issubclass(one, b)] == [one]


def test_raised_errors_carry_their_place() -> None:
    with pytest.raises(RunFileError) as run_file:
        loads('run = "x"\nstarted_at = =\n', "runs/SOP-1/x.toml")
    assert str(run_file.value).startswith("runs/SOP-1/x.toml:2: not valid TOML")
    with pytest.raises(FrontMatterError) as front:
        split("no front matter here\n")
    assert isinstance(front.value, ValueError) and front.value.line == 1
    with pytest.raises(Invalid, match="step"):
        parse_condition("step")
