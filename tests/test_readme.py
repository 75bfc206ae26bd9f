"""README.md states each tool's counts on real material; they must be the counts the tests compute
(the same ones each tool's page publishes, and the browser tests hold the pages to the browser)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "decoder_messages"))

import calculator_truth  # noqa: E402
import published  # noqa: E402


def _readme() -> str:
    return " ".join((REPO / "README.md").read_text().split())


def test_the_readme_states_the_decoders_counts():
    counts = published.counts()
    unknown = counts["don't know"]
    sentence = (
        f"the error decoder, on {counts['messages']} error messages ({counts['posted']} posted in public issues, "
        f'{counts["raised"]} raised by torch 2.13): right on {counts["right"]}, "don\'t know" on '
        f"{unknown}, wrong on {counts['wrong']}"
    )
    assert sentence in _readme(), f"README.md does not say: {sentence}"


def test_the_readme_states_the_calculators_counts():
    counts = calculator_truth.counts(calculator_truth.verdicts())
    sentence = (
        f"on {sum(counts.values())} real models, right on {counts['right']}, stopped at a line it names on "
        f"{counts['refused']}, wrong on {counts['wrong']}"
    )
    assert sentence in _readme(), f"README.md does not say: {sentence}"
