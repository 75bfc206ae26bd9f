"""The lesson checks themselves, proved on deliberately broken notebooks.

If the harness stopped catching one of these, a broken lesson could land on the site
looking fine; so each kind of breakage has a notebook here and an exact expected report.
"""

from pathlib import Path

import pytest

import lesson_runner

pytestmark = pytest.mark.lessons

BROKEN = Path(__file__).resolve().parent / "broken_lessons"

EXPECTED = {
    "untagged_raises.ipynb": "untagged_raises.ipynb, cell 3 ('1 / 0'): raised ZeroDivisionError: division by zero "
    "(untagged cells must run without error)",
    "tagged_does_not_raise.ipynb": "tagged_does_not_raise.ipynb, cell 2 ('total = 1 + 1'): was expected to raise "
    "ZeroDivisionError: division by zero, but ran without error",
    "wrong_message.ipynb": "wrong_message.ipynb, cell 2 (\"int('seven')\"): was expected to raise ValueError: "
    "invalid literal for int() with base 10: 'eight', but raised ValueError: invalid literal for int() with base 10: 'seven'",
    "wrong_type.ipynb": "wrong_type.ipynb, cell 2 ('[][0]'): was expected to raise KeyError: 0, "
    "but raised IndexError: list index out of range",
    "tag_without_expected_error.ipynb": "tag_without_expected_error.ipynb, cell 2 ('1 / 0'): is tagged "
    "'raises-exception' but has no expected_error metadata {\"ename\": ..., \"evalue\": ...} saying which exception it must raise",
    "expected_error_without_tag.ipynb": [
        "expected_error_without_tag.ipynb, cell 2 ('1 / 0'): has expected_error metadata but no 'raises-exception' tag",
        "expected_error_without_tag.ipynb, cell 2 ('1 / 0'): raised ZeroDivisionError: division by zero "
        "(untagged cells must run without error)",
    ],
    "hangs.ipynb": "hangs.ipynb, cell 2 ('import time'): ran past the per-cell timeout of 5 s and was stopped",
}


@pytest.fixture(scope="module")
def reports():
    paths = [BROKEN / name for name in EXPECTED]
    return {lesson.path.name: [str(problem) for problem in lesson.problems]
            for lesson in lesson_runner.execute_lessons(paths, timeout=5)}


def test_every_broken_notebook_has_an_expected_report():
    assert sorted(path.name for path in BROKEN.glob("*.ipynb")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_harness_reports_the_breakage(reports, name):
    expected = EXPECTED[name]
    assert reports[name] == (expected if isinstance(expected, list) else [expected])


def test_failing_lessons_are_not_cached(reports):
    for name in EXPECTED:
        assert not lesson_runner.cached_notebook_path(BROKEN / name).exists(), name


def test_the_build_stops_with_the_report(tmp_path, monkeypatch):
    """A broken lesson stops `mkdocs build` with the sentence, not a stack trace."""
    from mkdocs.exceptions import PluginError

    from lesson_runner import mkdocs_hook

    monkeypatch.setattr(lesson_runner, "lesson_paths", lambda: [BROKEN / "untagged_raises.ipynb"])
    with pytest.raises(PluginError) as raised:
        mkdocs_hook.on_files([], {})
    assert str(raised.value) == (
        "These lessons did not run as they promise:\n  - " + EXPECTED["untagged_raises.ipynb"]
    )
