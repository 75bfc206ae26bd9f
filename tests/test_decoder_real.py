"""The error decoder on real material, in Chromium: true on every message it explains.

tests/decoder_messages/messages.json holds error messages people posted in public issues (each with
its thread) and messages torch 2.13 raises here (each with the code that raises it: run by the test,
and its whole traceback pasted). For each, what a true explanation must say and must not say. The
page's answer is graded (tests/decoder_messages/grade.py): right, "don't know", or wrong; every
number it states (batch sizes, in_features, the layers and permutations it offers, the shapes that
fit a view) is recomputed with torch. No answer may be wrong. Hostile pastes are answered clearly,
each within a second.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_tools import DECODER, answer_count, assert_sane, decode, open_tool, settled_text

sys.path.insert(0, str(Path(__file__).resolve().parent / "decoder_messages"))
import grade  # noqa: E402

pytestmark = pytest.mark.browser

# The decoder module's own answer, in the page: its kind and the numbers it states (its checks).
IN_PAGE = (
    """async (texts) => {
  const { decodeError } = await import(new URL("../../javascripts/error-decoder.js", location.href));
"""
    + grade.ANSWER_TEXT
    + """
  return texts.map((text) => answer(decodeError(text)));
}"""
)


@pytest.fixture(scope="module")
def decoder_page(browser, site_url):
    page = open_tool(browser, site_url, DECODER)
    yield page
    assert page.errors == [] and page.outside == []
    page.close()


@pytest.fixture(scope="module")
def graded(decoder_page):
    """Each message of the set pasted into the page: (entry, verdict, reasons)."""
    results = []
    for entry in grade.messages():
        text, namespace = grade.pasted(entry)
        shown = decode(decoder_page, text)
        [answer] = decoder_page.evaluate(IN_PAGE, [text])
        assert decoder_page.get_attribute("#decoder-result", "data-kind") == answer["kind"], entry["name"]
        assert_sane(shown, f"{DECODER} on {entry['name']}")
        verdict, reasons = grade.grade(entry, {**answer, "text": shown}, namespace)
        results.append((entry, verdict, reasons, shown))
    return results


def tally(results) -> dict[str, int]:
    counts = {"right": 0, "don't know": 0, "wrong": 0}
    for _, verdict, _, _ in results:
        counts[verdict] += 1
    return counts


def test_no_answer_is_wrong(graded, record_property):
    counts = tally(graded)
    record_property("measured", f"decoder on {len(graded)} real messages: {counts}")
    wrong = [
        f"{entry['name']} ({entry['source']}):\n  " + "\n  ".join(reasons) + f"\n{shown}"
        for entry, verdict, reasons, shown in graded
        if verdict == "wrong"
    ]
    assert not wrong, f"{len(wrong)} wrong answers of {len(graded)}:\n\n" + "\n\n".join(wrong)
    assert len(graded) >= 60 and counts["right"] >= 60, counts
    # The set's two Lua Torch messages are the ones it must not explain.
    assert [entry["name"] for entry, verdict, _, _ in graded if verdict == "don't know"] == [
        "jcjohnson/neural-style/issues/270",
        "torch/nn/issues/301",
    ]


def test_the_set_comes_from_real_sources():
    entries = grade.messages()
    posted = [entry for entry in entries if "code" not in entry]
    assert len(posted) >= 60, len(posted)
    for entry in posted:
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+", entry["source"]), entry
    for entry in entries:
        assert entry["must"] and entry["must_not"], entry["name"]


def test_the_page_publishes_the_counts_the_browser_gets(graded, built_site):
    """The counts on the decoder's page were computed when the site was built (Node runs the same
    module); they must be the ones the browser gives."""
    counts = tally(graded)
    unknown = counts["don't know"]
    html = (built_site / "tools" / "decoder" / "index.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    sentence = (
        f"Tried on {len(graded)} error messages ({sum(1 for e, *_ in graded if 'code' not in e)} posted in public "
        f"issues, {sum(1 for e, *_ in graded if 'code' in e)} raised by torch 2.13): "
        f'right on {counts["right"]}, "don\'t know" on {unknown}, wrong on {counts["wrong"]}.'
    )
    assert sentence in text.replace("&quot;", '"').replace("&#39;", "'"), f"{DECODER}: not found: {sentence}"


# A paste: the whole text lands in the field at once, with one input event (Playwright's fill types
# a text of many lines far more slowly than a paste lands).
PASTE = """(text) => {
  const field = document.getElementById("error-message");
  field.value = text;
  field.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
}"""

# The decoder's own time on the text, in the page. (Chromium's textarea itself takes seconds to lay
# out a paste of ten thousand lines; that time is the browser's, before the decoder sees the text.)
TIMED = """async (text) => {
  const { decodeError } = await import(new URL("../../javascripts/error-decoder.js", location.href));
  const started = performance.now();
  decodeError(text);
  return (performance.now() - started) / 1000;
}"""


def answered_within(page, text: str) -> tuple[str, float]:
    elapsed = page.evaluate(TIMED, text)
    before = answer_count(page, "#decoder-result")
    page.evaluate(PASTE, text)
    shown = settled_text(page, "#decoder-result", after=before)
    assert page.get_attribute("#decoder-result", "aria-busy") is None
    return shown, elapsed


SEED = "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)"
HOSTILE = [
    # (paste, what the answer must say)
    (
        "RuntimeError: " + SEED + "\n" + "y" * 250_000,
        "nn.Linear(1568, 10)",
    ),  # the whole paste is read: the message is more than 200,000 characters from its end
    ("mat1 and mat2 shapes cannot be multiplied (2x15\u200b68 and 1050x10)", "ZERO WIDTH SPACE (U+200B)"),
    (
        "RuntimeError:\u00a0mat1 and mat2 shapes cannot be multiplied (2x1568\u00a0and 1050x10)",
        "NO-BREAK SPACE (U+00A0)",
    ),
    ("\u202e" + SEED, "RIGHT-TO-LEFT OVERRIDE (U+202E)"),
    ("\ufeffRuntimeError: " + SEED, "ZERO WIDTH NO-BREAK SPACE (byte order mark) (U+FEFF)"),
    (
        "mat1 and mat2 shapes cannot be multiplied (99999999999999999999999999x1 and 2x3)",
        "larger than any size a PyTorch tensor can have",
    ),
    (
        "mat1 and mat2 shapes cannot be multiplied (4294967296x4294967296 and 2x3)",
        "more numbers than a PyTorch tensor can hold",
    ),
    (
        "Given groups=1, weight of size [99999999999999999999, 3, 3, 3], expected input[1, 1, 8, 8] to have 3 channels, but got 1 channels instead",
        "larger than any size",
    ),
    ("shape '[-1, -1, 4]' is invalid for input of size 8", "only one dimension can be inferred"),
    ("(" * 200_000, "I don't know this message"),
    ("mat1 " * 60_000, "I don't know this message"),
    ("mat1 and mat2 shapes cannot be multiplied (" * 6_000, "not all of its numbers"),
    ("Given groups=1, weight of size [" + "1, " * 60_000, "not all of its numbers"),
    ("shape '[" + "-1, " * 60_000 + "]' is invalid for input of size 5", "not all of its numbers"),
    (
        '  File "/home/reader/a.py", line 1, in f\n    y = f(x)\n' * 2_000 + "RuntimeError: " + SEED,
        "nn.Linear(1568, 10)",
    ),
    ("1" * 300_000, "I don't know this message"),
]


def test_hostile_pastes_are_answered_clearly_within_a_second(decoder_page):
    for text, expected in HOSTILE:
        where = f"{DECODER} on {text[:60]!r}… ({len(text)} characters)"
        shown, elapsed = answered_within(decoder_page, text)
        assert elapsed < 1.0, f"{where}: answered in {elapsed:.2f} s"
        assert expected in shown, f"{where}: missing {expected!r} in\n{shown[:2000]}"
        assert '" " is not Python' not in shown
        assert_sane(shown, where)


def test_an_internal_error_is_a_message_not_a_stale_answer(decoder_page):
    page = decoder_page
    assert "nn.Linear(1568, 10)" in decode(page, SEED)
    page.evaluate(
        "() => { window.keptMatchAll = String.prototype.matchAll; String.prototype.matchAll = () => { throw new Error('broken on purpose'); }; }"
    )
    try:
        shown = decode(page, SEED.replace("2x", "4x"))
    finally:
        page.evaluate("() => { String.prototype.matchAll = window.keptMatchAll; }")
    assert "The decoder could not read this paste" in shown and "broken on purpose" in shown
    assert "nn.Linear(1568, 10)" not in shown, "the previous answer is still on screen"
    assert page.get_attribute("#decoder-result", "aria-busy") is None
    assert page.get_attribute("#decoder-result", "data-kind") == "internal-error"
    page.errors.clear()
