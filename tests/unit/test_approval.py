"""Trust §4 (four eyes): ``core.approval.judge`` over any set of recorded votes, and the
check that what landed is what was reviewed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sopvault.core.approval import Rules, judge, landed_as_reviewed
from sopvault.model.config import Person
from sopvault.model.control import Identity, Refusal, Vote

PEOPLE = tuple(
    Person(handle, handle.title(), f"{handle}@example.com", roles)
    for handle, roles in (("ann", ("qm",)), ("bo", ("qm",)), ("cy", ()), ("di", ("qm",)))
)
WHO = tuple(Identity(p.name, p.email.upper() if i % 2 else p.email) for i, p in enumerate(PEOPLE))

votes = st.lists(
    st.tuples(
        st.integers(0, 3),  # the reviewer named
        st.integers(0, 3),  # who committed the vote
        st.sampled_from(["none", "own", "other"]),  # whose listed key signed it
    ),
    max_size=6,
)


def _signer(kind: str, reviewer: int) -> str | None:
    return {"none": None, "own": WHO[reviewer].email, "other": WHO[(reviewer + 1) % 4].email}[kind]


@given(
    votes,
    st.integers(0, 3),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from([(), ("role:qm",), ("ann", "cy")]),
)
def test_judge_counts_only_votes_recorded_and_signed_by_their_reviewer(
    cast: list[tuple[int, int, str]],
    author: int,
    approvals: int,
    signatures: bool,
    approvers: tuple[str, ...],
) -> None:
    """Trust §4 (four eyes): a change is approved exactly when every vote was committed
    (and, when required, signed) by the reviewer it names, none is the author's, all are
    allowed, and enough distinct people remain; every forged vote is named."""
    rules = Rules(approvals, signatures, (approvers,), PEOPLE)
    recorded = [
        Vote(f"{i:040x}", WHO[r], WHO[c], _signer(s, r)) for i, (r, c, s) in enumerate(cast)
    ]
    problems = judge(WHO[author], recorded, rules)

    def valid(r: int, c: int, s: str) -> bool:
        signed = not signatures or s == "own"
        return r == c and signed and r != author and rules.may_approve(WHO[r])

    distinct = {r for r, c, s in cast if valid(r, c, s)}
    approved = bool(cast) and all(valid(*v) for v in cast) and len(distinct) >= approvals
    assert (problems == []) is approved
    for vote, (r, c, _) in zip(recorded, cast, strict=True):
        if r != c:
            assert any(k is Refusal.FORGED_VOTE and vote.commit[:10] in d for k, d in problems)


def test_one_persons_votes_count_once_and_the_landing_must_be_a_reviewers() -> None:
    """Trust §4 (four eyes): two votes by Bo are one approval of the two needed; a landing
    committed by someone without a vote is refused even when the votes suffice."""
    rules = Rules(2, False, ((),), PEOPLE)
    bo = Vote("1" * 40, WHO[1], WHO[1])
    twice = judge(WHO[0], [bo, Vote("2" * 40, WHO[1], WHO[1])], rules)
    assert [k for k, _ in twice] == [Refusal.TOO_FEW]
    both = [bo, Vote("3" * 40, WHO[3], WHO[3])]
    assert judge(WHO[0], both, rules, Vote("4" * 40, WHO[3], WHO[3])) == []
    landed = judge(WHO[0], both, rules, Vote("4" * 40, WHO[2], WHO[2]))
    assert [k for k, _ in landed] == [Refusal.LANDED_BY_OTHER]


DOC = '+++\nid = "SOP-1"\ntitle = "T"\nkind = "procedure"\nstatus = "in_review"\n+++\nBody.\n'


def test_landed_content_is_the_reviewed_text_plus_exactly_approvals_edit() -> None:
    """Trust §4 (four eyes): effective status and dates are the only change allowed."""
    landed = DOC.replace('"in_review"', '"effective"').replace(
        "+++\nBody", "effective = 2026-11-25\nnext_review = 2027-11-25\n+++\nBody"
    )
    assert landed_as_reviewed(DOC.encode(), landed.encode(), True) is None
    other = landed.replace("Body.", "Body!")
    assert landed_as_reviewed(DOC.encode(), other.encode(), True) is not None
    titled = landed.replace('title = "T"', 'title = "U"')
    assert landed_as_reviewed(DOC.encode(), titled.encode(), True) is not None
    assert landed_as_reviewed(DOC.encode(), DOC.encode(), True) == "did not land as effective"
    assert landed_as_reviewed(b"a = 1\n", b"a = 1\n", False) is None
    assert landed_as_reviewed(b"a = 1\n", b"a = 2\n", False) is not None
