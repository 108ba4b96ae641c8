"""The structured review diff, pure: words, steps paired by similarity, rules called out,
fallbacks, and the three renderings (Rich, plain marks, JSON)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from sopvault.core.redline import compare
from sopvault.core.stepmatch import THRESHOLD, pair_steps
from sopvault.core.wordiff import redline, redline_lines
from sopvault.model.control import TextAt
from sopvault.model.document import Step
from sopvault.model.redline import DocumentDiff, Mark, Redline, StepChange, StepChangeKind
from sopvault.render.redline import (
    body_lines,
    headline,
    redline_json,
    redline_plain,
    redline_text,
)

STEPS = [
    ("Export the stock report from the inventory system", 'role = "warehouse lead"'),
    (
        "Count the A items that the report flags as uncertain",
        'record = { type = "number", label = "lines", min = 0, unit = "lines" }',
    ),
    ("Recalculate the reorder point of each item whose lead time or usage changed", ""),
    ("List the items at or below their reorder point", "critical = true"),
    ("Send the reorder list to purchasing", 'details = "Orders are raised the same day."'),
]
BODY = "# Review stock\n\nCount first.\n\nThen reorder.\n"


def doc(
    steps: list[tuple[str, str]] = STEPS,
    body: str = BODY,
    version: str = "1.0",
    extra: str = "",
) -> str:
    """A procedure's text with these steps (action, more TOML lines)."""
    head = (
        f'+++\nid = "SOP-900"\ntitle = "Review stock"\nkind = "procedure"\n'
        f'version = "{version}"\nstatus = "effective"\nowner = "carmen"\n{extra}'
    )
    for action, more in steps:
        head += f'\n[[steps]]\naction = "{action}"\n{more}\n'
    return head + "+++\n" + body


def diff_of(old: str, new: str) -> DocumentDiff:
    return compare(TextAt("SOP-900 1.0", old, "sop.md"), TextAt("SOP-900 1.1", new, "sop.md"))


def marked(line: Redline) -> str:
    return "".join(
        {Mark.SAME: "{}", Mark.REMOVED: "[-{}-]", Mark.ADDED: "{{+{}+}}"}[w.mark].format(w.text)
        for w in line
    )


def changed_steps(diff: DocumentDiff) -> list[StepChange]:
    return list(diff.step_changes)


# ---- words -----------------------------------------------------------------------------


def test_a_word_level_redline_marks_only_the_changed_words() -> None:
    """Issue 14 (what changed, in words): a comma and two words added, one replaced."""
    line = redline(
        "each item whose lead time or usage changed",
        "each item whose lead time, usage or supplier changed",
    )
    assert marked(line) == "each item whose lead time{+, usage+} or [-usage-]{+supplier+} changed"
    assert marked(redline("a b c", "a c")) == "a [-b-] c"
    assert redline("", "") == ()


def test_unicode_words_and_punctuation_are_words_of_their_own() -> None:
    """Issue 14 (what changed, in words): accented words, °C and CJK text are redlined as
    words of any script; nothing is lost or doubled."""
    line = redline("Keep at 2-8 °C, naïve café 冷蔵庫", "Keep at 2-6 °C, naive café 冷凍庫")
    assert marked(line) == "Keep at 2-[-8-]{+6+} °C, [-naïve-]{+naive+} café [-冷蔵庫-]{+冷凍庫+}"


# Few letters, so that words repeat and lines match: the cases where a diff goes wrong.
SMALL = st.text(alphabet="ab c\n,.é冷", max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), SMALL), st.one_of(st.text(max_size=40), SMALL))
def test_a_redline_holds_both_texts_words(old: str, new: str) -> None:
    """Issue 14 (what changed, in words): the kept and added runs read as the new text and
    the kept and removed ones as the old, whitespace aside, for any two texts; also when
    lines are matched first (a body)."""
    for line in (redline(old, new), redline_lines(old, new)):

        def side(drop: Mark, line: Redline = line) -> str:
            return "".join("".join(w.text.split()) for w in line if w.mark is not drop)

        assert side(Mark.REMOVED) == "".join(new.split())
        assert side(Mark.ADDED) == "".join(old.split())


# ---- steps -----------------------------------------------------------------------------


def test_a_moved_step_is_found_and_the_others_are_not_moved() -> None:
    """Issue 14 (what changed, in words): the first step moved to the end is one moved
    step; the four that shifted up are not called moved."""
    moved = STEPS[1:] + STEPS[:1]
    diff = diff_of(doc(), doc(moved, version="1.1"))
    (change,) = changed_steps(diff)
    assert change.moved and change.kind is StepChangeKind.SAME
    assert (change.old_number, change.new_number) == (1, 5)
    assert "1 step moved" in headline(diff)


def test_a_reworded_step_is_paired_by_similarity_not_by_position() -> None:
    """Issue 14 (what changed, in words): a new step inserted first and step 3 reworded:
    the reworded step is paired with old step 3 (now 4), the inserted one is added, and
    nothing is paired by its position."""
    new = [("Print the count sheets for the week", "")] + list(STEPS)
    new[3] = (
        "Recalculate the reorder point of each item whose lead time, usage or supplier changed",
        "",
    )
    diff = diff_of(doc(), doc(new))
    kinds = [(c.kind, c.old_number, c.new_number) for c in changed_steps(diff)]
    assert kinds == [
        (StepChangeKind.ADDED, None, 1),
        (StepChangeKind.CHANGED, 3, 4),
    ]
    reworded = changed_steps(diff)[1]
    assert reworded.reworded and not reworded.moved and reworded.similarity >= THRESHOLD
    assert "{+supplier+}" in marked(reworded.action)


def test_steps_too_different_are_removed_and_added_not_paired() -> None:
    """Issue 14 (what changed, in words): below the threshold a rewrite is a removed step
    and an added step in its place (removed first, as a diff reads)."""
    new = list(STEPS)
    new[4] = ("Archive the signed sheet in the quality folder", "")
    diff = diff_of(doc(), doc(new))
    kinds = [(c.kind, c.old_number, c.new_number) for c in changed_steps(diff)]
    assert kinds == [(StepChangeKind.REMOVED, 5, None), (StepChangeKind.ADDED, None, 5)]
    removed, added = changed_steps(diff)
    assert marked(added.action) == "{+Archive the signed sheet in the quality folder+}"
    assert [f.name for f in removed.fields] == ["details"]  # what the removed step carried


def test_the_pairing_is_stable_for_identical_steps() -> None:
    """Issue 14 (what changed, in words): two identical steps pair with their own places
    (ties go to the smaller shift), every time."""
    same = [Step(action="Sign the sheet"), Step(action="Sign the sheet")]
    assert pair_steps(same, same) == [(0, 0, 1.0), (1, 1, 1.0)]
    assert diff_of(doc(STEPS * 2), doc(STEPS * 2)).step_changes == ()


def test_a_control_point_turned_off_is_called_out() -> None:
    """Issue 14 (what changed, in words): ``critical = true`` dropped from step 4 is a
    rule change, in words, flagged with ``!``."""
    new = list(STEPS)
    new[3] = (STEPS[3][0], "")
    diff = diff_of(doc(), doc(new))
    (change,) = changed_steps(diff)
    assert change.kind is StepChangeKind.CHANGED and not change.reworded
    (rule,) = change.rules
    assert (rule.name, rule.old, rule.new) == ("control_point", "yes", None)
    text = redline_plain(diff)
    assert "step 4 changed" in text and "! control point turned off" in text
    assert "1 rule changed" in headline(diff)


def test_an_evidence_minimum_changed_is_called_out_with_old_and_new() -> None:
    """Issue 14 (what changed, in words): ``min = 0`` to ``min = 2`` and a new ``on_fail``
    are each called out; an evidence rule added to a step is shown whole."""
    new = list(STEPS)
    new[1] = (
        STEPS[1][0],
        'record = { type = "number", label = "lines", min = 2, unit = "lines" }\non_fail = "stop"',
    )
    new[2] = (STEPS[2][0], 'record = "yesno"')
    diff = diff_of(doc(), doc(new))
    two, three = changed_steps(diff)
    assert [(f.name, f.old, f.new) for f in two.rules] == [
        ("on_fail", None, "stop"),
        ("record.min", "0", "2"),
    ]
    assert [(f.name, f.old, f.new) for f in three.rules] == [("record", None, "yes/no")]
    text = redline_plain(diff)
    assert "! record.min: [-0-] -> {+2+}" in text
    assert "! a failed answer now stops the run" in text
    assert "! record: (none) -> {+yes/no+}" in text


# ---- metadata and body -----------------------------------------------------------------


def test_metadata_changes_come_first_and_the_version_noise_last() -> None:
    """Issue 14 (what changed, in words): owner and purpose as ``field: old -> new`` (the
    purpose as a redline), version and dates on one compact line after them."""
    old = doc(extra='purpose = "Find every item that needs reordering this week."\n')
    new = doc(
        version="1.1",
        extra='purpose = "Find every item that needs reordering this month."\n'
        "effective = 2026-09-15\n",
    ).replace('owner = "carmen"', 'owner = "alice"')
    diff = diff_of(old, new)
    assert [(f.name, f.noise) for f in diff.metadata] == [
        ("owner", False),
        ("purpose", False),
        ("version", True),
        ("effective", True),
    ]
    text = redline_plain(diff)
    assert "owner:   [-carmen-] -> {+alice+}" in text
    assert "needs reordering this [-week-]{+month+}." in text
    assert text.index("purpose") < text.index("version [-1.0-] -> {+1.1+} · effective")


def test_the_body_is_a_word_diff_with_unchanged_lines_left_out() -> None:
    """Issue 14 (what changed, in words): one word in the last paragraph; the heading far
    above it is left out (…), the line next to it kept as context."""
    diff = diff_of(doc(), doc(body=BODY.replace("Then reorder.", "Then reorder twice.")))
    assert marked(diff.body).endswith("Then reorder {+twice+}.\n")
    shown = body_lines(diff.body)
    assert shown[0] is None and "# Review stock" not in redline_plain(diff)
    assert "Then reorder {+twice+}." in redline_plain(diff)


# ---- fallbacks -------------------------------------------------------------------------


def test_an_unparseable_revision_falls_back_to_the_text_diff_and_says_so() -> None:
    """Issue 14 (what changed, in words): a front-matter error on one side: the reason in
    one line, then the raw diff; never an exception."""
    broken = doc().replace('title = "Review stock"', "title = ")
    diff = diff_of(doc(), broken)
    assert not diff.structured and diff.fallback is not None
    assert "SOP-900 1.1 cannot be read as a document" in diff.fallback
    assert "showing the text diff" in diff.fallback
    text = redline_plain(diff)
    assert '-title = "Review stock"' in text and diff.fallback in text


def test_a_new_or_deleted_document_falls_back_and_says_which() -> None:
    """Issue 14 (what changed, in words): no old side (a new document) or no new side (a
    deleted one)."""
    new = compare(None, TextAt("SOP-900 1.0", doc(), "sop.md"))
    assert new.fallback is not None and "SOP-900 is new" in new.fallback
    assert new.raw.startswith("--- /dev/null")
    gone = compare(TextAt("SOP-900 1.0", doc(), "sop.md"), None)
    assert gone.fallback is not None and "is deleted" in gone.fallback
    assert compare(None, None).unchanged
    rules = compare(TextAt("main", "a = 1\n", "sopvault.toml"), TextAt("p", "a = 2\n", "x"))
    assert rules.fallback is not None and rules.fallback.startswith("x is not a document")


# ---- rendering -------------------------------------------------------------------------


def test_text_from_a_revision_is_inert_in_every_rendering() -> None:
    """Issue 14 (what changed, in words): an escape sequence and a bidi override in a
    step's action never reach the terminal as themselves."""
    new = list(STEPS)
    new[0] = ("Export the stock report \\u001b[31m from the \\u202e inventory system", "")
    diff = diff_of(doc(), doc(new))
    plain = redline_plain(diff)
    assert "\x1b" not in plain and "\u202e" not in plain and "^[" in plain
    styled = Console(force_terminal=True, width=200, file=None)
    with styled.capture() as captured:
        styled.print(redline_text(diff))
    assert "\x1b[31m from" not in captured.get() and "<U+202E>" in captured.get()


def test_styles_strike_removed_words_and_underline_added_ones() -> None:
    """Issue 14 (what changed, in words): red strike-through and green underline, without
    the plain marks."""
    text = redline_text(diff_of(doc(), doc(body=BODY.replace("first", "twice"))))
    styles = {str(span.style) for span in text.spans}
    assert "red strike" in styles and "green underline" in styles
    assert "[-" not in text.plain


def test_json_names_each_change() -> None:
    """Issue 14 (what changed, in words): the JSON has the summary, fields, steps with
    their numbers and the redlines as [mark, text] pairs."""
    new = list(STEPS)
    new[3] = (STEPS[3][0], "")
    data = json.loads(json.dumps(redline_json(diff_of(doc(), doc(new, version="1.1")))))
    assert data["structured"] and data["summary"] == "1 rule changed"
    assert data["metadata"][0] == {
        "field": "version",
        "old": "1.0",
        "new": "1.1",
        "words": [],
        "noise": True,
        "rule": False,
    }
    (step,) = data["steps"]
    assert step["change"] == "changed" and step["new_number"] == 4
    assert step["fields"][0]["field"] == "control_point" and step["fields"][0]["rule"]


def test_a_change_the_words_cannot_show_points_to_the_raw_diff() -> None:
    """Issue 14 (what changed, in words): a key sopvault does not read changed in a step
    (kept as written): the headline says there is more, never "only the version"."""
    new = list(STEPS)
    new[0] = (STEPS[0][0], STEPS[0][1] + '\nshelf = "B"')
    diff = diff_of(doc(), doc(new, version="1.1"))
    assert diff.unshown and not diff.in_words
    assert "not shown in words" in headline(diff) and "--raw" in headline(diff)
    assert not diff_of(doc(), doc(version="1.1")).unshown
    assert headline(diff_of(doc(), doc(version="1.1"))) == "only the version and dates changed"
