"""The lesson checks themselves, proved on deliberately broken notebooks.

If the harness stopped catching one of these, a broken lesson could land on the site
looking fine; so each kind of breakage has a notebook here and an exact expected report.
Where the report must quote a value that changes from run to run (a memory address, the
time, a random number), the expected report is a pattern that is exact everywhere else.
"""

import re
from pathlib import Path

import pytest

import lesson_runner

pytestmark = pytest.mark.lessons

BROKEN = Path(__file__).resolve().parent / "broken_lessons"
SOUND = Path(__file__).resolve().parent / "sound_lessons" / "sound.ipynb"

EXPECTED = {
    "untagged_raises.ipynb": "untagged_raises.ipynb, cell 3 ('1 / 0'): raised ZeroDivisionError: division by zero "
    "(untagged cells must run without error)",
    "tagged_does_not_raise.ipynb": "tagged_does_not_raise.ipynb, cell 2 ('total = 1 + 1'): was expected to raise "
    "ZeroDivisionError: division by zero, but ran without error",
    "wrong_message.ipynb": "wrong_message.ipynb, cell 2 ('int(\"seven\")'): was expected to raise ValueError: "
    "invalid literal for int() with base 10: 'eight', but raised ValueError: invalid literal for int() with base 10: 'seven'",
    "wrong_type.ipynb": "wrong_type.ipynb, cell 2 ('[][0]'): was expected to raise KeyError: 0, "
    "but raised IndexError: list index out of range",
    "tag_without_expected_error.ipynb": "tag_without_expected_error.ipynb, cell 2 ('1 / 0'): is tagged "
    '\'raises-exception\' but has no expected_error metadata {"ename": ..., "evalue": ...} '
    "saying which exception it must raise",
    "expected_error_without_tag.ipynb": [
        "expected_error_without_tag.ipynb, cell 2 ('1 / 0'): has expected_error metadata but no 'raises-exception' tag",
        "expected_error_without_tag.ipynb, cell 2 ('1 / 0'): raised ZeroDivisionError: division by zero "
        "(untagged cells must run without error)",
    ],
    "hangs.ipynb": "hangs.ipynb, cell 2 ('import time'): ran past the per-cell timeout of 5 s and was stopped",
    "reads_the_network.ipynb": "reads_the_network.ipynb, cell 2 ('import socket'): "
    "read the network: connect to ('127.0.0.1', 9)",
    "reads_a_file_it_did_not_create.ipynb": "reads_a_file_it_did_not_create.ipynb, cell 3 "
    "('hostname = Path(\"/etc/hostname\").read_text()'): read a file it did not create: /etc/hostname",
    "prints_a_memory_address.ipynb": re.compile(
        re.escape(
            "prints_a_memory_address.ipynb, cell 2 ('print(object())'): printed a memory address, "
            "which changes from run to run: '<object object at "
        )
        + r"0x[0-9a-f]+>'"
    ),
    "prints_the_time.ipynb": re.compile(
        re.escape(
            "prints_the_time.ipynb, cell 2 ('import datetime'): printed a date and time, "
            "which changes from run to run: 'run at "
        )
        + r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'"
    ),
}
# Unseeded random numbers look fine in one run: only a second run shows them (see below).
ONLY_A_SECOND_RUN_SHOWS = {
    "unseeded.ipynb": re.compile(
        re.escape("unseeded.ipynb, cell 2 ('import random'): printed different outputs in two runs: ")
        + r"'(0\.\d+)' the first time, '(0\.\d+)' the second"
    ),
}


def _matches(report: str, expected) -> bool:
    return bool(expected.fullmatch(report)) if isinstance(expected, re.Pattern) else report == expected


@pytest.fixture(scope="module")
def reports():
    paths = [BROKEN / name for name in [*EXPECTED, *ONLY_A_SECOND_RUN_SHOWS]] + [SOUND]
    # All at once, not one more than there are cores: these notebooks are a few lines each and
    # mostly wait (one for its timeout), so the run takes about as long as the hang.
    return {
        lesson.path.name: [str(problem) for problem in lesson.problems]
        for lesson in lesson_runner.execute_lessons(paths, jobs=len(paths), timeout=5, determinism=False)
    }


@pytest.fixture(scope="module")
def reports_of_two_runs():
    paths = [BROKEN / name for name in ONLY_A_SECOND_RUN_SHOWS] + [SOUND]
    return {
        lesson.path.name: [str(problem) for problem in lesson.problems]
        for lesson in lesson_runner.execute_lessons(paths, timeout=20, determinism=True)
    }


def test_every_broken_notebook_has_an_expected_report():
    assert sorted(path.name for path in BROKEN.glob("*.ipynb")) == sorted([*EXPECTED, *ONLY_A_SECOND_RUN_SHOWS])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_harness_reports_the_breakage(reports, name):
    expected = EXPECTED[name] if isinstance(EXPECTED[name], list) else [EXPECTED[name]]
    assert len(reports[name]) == len(expected), reports[name]
    for report, wanted in zip(reports[name], expected, strict=True):
        assert _matches(report, wanted), f"\nreported: {report}\nexpected: {getattr(wanted, 'pattern', wanted)}"


def test_a_sound_lesson_is_not_reported(reports, reports_of_two_runs):
    """Its own files, a temporary file, torch, a seeded generator, a tagged error: none is a problem."""
    assert reports["sound.ipynb"] == []
    assert reports_of_two_runs["sound.ipynb"] == []


def test_one_run_cannot_see_unseeded_numbers(reports):
    assert reports["unseeded.ipynb"] == []


def test_two_runs_report_unseeded_numbers(reports_of_two_runs):
    [report] = reports_of_two_runs["unseeded.ipynb"]
    match = ONLY_A_SECOND_RUN_SHOWS["unseeded.ipynb"].fullmatch(report)
    assert match, report
    assert match[1] != match[2]


def test_failing_lessons_are_not_cached(reports):
    for name in EXPECTED:
        assert not lesson_runner.cached_notebook_path(BROKEN / name).exists(), name


def test_a_lesson_that_differs_on_its_second_run_leaves_the_cache(tmp_path, monkeypatch):
    """A cached copy that a second run contradicts is dropped, so the next run fails again."""
    monkeypatch.setattr(lesson_runner, "CACHE_DIR", tmp_path)
    unseeded = BROKEN / "unseeded.ipynb"
    [first] = lesson_runner.execute_lessons([unseeded], timeout=20, determinism=False)
    assert first.ok and lesson_runner.cached_notebook_path(unseeded).exists()
    [second] = lesson_runner.execute_lessons([unseeded], timeout=20, determinism=True)
    assert second.from_cache and len(second.problems) == 1
    assert not lesson_runner.cached_notebook_path(unseeded).exists()


def test_the_build_stops_with_the_report(tmp_path, monkeypatch):
    """A broken lesson stops `mkdocs build` with the sentence, not a stack trace."""
    from mkdocs.exceptions import PluginError

    from lesson_runner import lint
    from site_builder import hook, workers

    monkeypatch.setattr(lesson_runner, "lesson_paths", lambda: [BROKEN / "untagged_raises.ipynb"])
    # This notebook breaks only when it runs; the linter's own stop is tested in tests/test_lint.py.
    monkeypatch.setattr(lint, "lint_lessons", lambda *args, **kwargs: [])
    with pytest.raises(PluginError) as raised:
        hook.on_files([], {})
    assert str(raised.value) == "These lessons did not run as they promise:\n  - " + EXPECTED["untagged_raises.ipynb"]
    assert workers._open["pool"] is None, "the build's worker processes were left running"


def test_a_line_printed_in_pieces_is_one_output_and_the_same_in_both_runs(tmp_path, monkeypatch):
    """The kernel cuts printed text wherever its output thread flushed: the same line can come as
    one output in one run and as three in the next. The page shows it as one block, as Jupyter
    does, and the determinism check does not mistake the cut for a change."""
    monkeypatch.setattr(lesson_runner, "CACHE_DIR", tmp_path)
    in_pieces = SOUND.parent / "prints_in_pieces.ipynb"
    [lesson] = lesson_runner.execute_lessons([in_pieces], timeout=20, determinism=True)
    assert lesson.problems == []
    [outputs] = [cell.outputs for cell in lesson.notebook.cells if cell.cell_type == "code"]
    assert [(output.output_type, output.name, output.text) for output in outputs] == [
        ("stream", "stdout", "one printed line\n")
    ]


def test_outputs_that_are_not_consecutive_keep_their_order():
    import nbformat

    printed, figure, printed_again = (
        nbformat.v4.new_output("stream", name="stdout", text="before\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="after\n"),
    )
    warned = nbformat.v4.new_output("stream", name="stderr", text="careful\n")
    merged = lesson_runner.merge_streams([printed, figure, printed_again, warned])
    assert [output.get("text", "<Figure>") for output in merged] == ["before\n", "<Figure>", "after\n", "careful\n"]
