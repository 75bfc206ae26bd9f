"""Executed once: each lesson runs only when something its outputs depend on changed.

The cache key is the notebook's code (its code cells, with the tags and expected errors the checks
read) and the environment (requirements.txt, the Python and torch versions, the runner); prose
edits are merged into the executed copy without executing anything. These tests prove that a change re-executes exactly what it affects, and that
nothing changed means nothing executed.
"""

import shutil
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import lesson_runner

pytestmark = pytest.mark.lessons


def _copies_of_the_lessons(tmp_path):
    lessons = []
    for path in lesson_runner.lesson_paths():
        lessons.append(tmp_path / path.name)
        shutil.copyfile(path, lessons[-1])
    return lessons


def test_editing_one_lessons_code_changes_only_its_key(tmp_path):
    lessons = _copies_of_the_lessons(tmp_path)
    environment = lesson_runner.environment_fingerprint()
    before = {path.name: lesson_runner.cache_key(path, environment) for path in lessons}
    edited = lessons[len(lessons) // 2]
    notebook = nbformat.read(edited, as_version=4)
    next(cell for cell in notebook.cells if cell.cell_type == "code").source += "\nprint('one more line')"
    nbformat.write(notebook, edited)
    after = {path.name: lesson_runner.cache_key(path, environment) for path in lessons}
    assert [name for name in before if before[name] != after[name]] == [edited.name]


def test_editing_prose_changes_no_execution_key_but_the_lessons_own(tmp_path):
    """Markdown, cell ids, slide types and the lesson's metadata do not change what runs."""
    lessons = _copies_of_the_lessons(tmp_path)
    environment = lesson_runner.environment_fingerprint()
    edited = lessons[len(lessons) // 2]
    before = (lesson_runner.cache_key(edited, environment), lesson_runner.lesson_key(edited, environment))
    notebook = nbformat.read(edited, as_version=4)
    notebook.cells[0].source += "\n\nOne more sentence."
    notebook.cells.insert(1, new_markdown_cell("A new paragraph.", id="new-prose"))
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.metadata["slideshow"] = {"slide_type": "fragment"}
    notebook.metadata["lesson"]["teaching_minutes"] += 5
    nbformat.write(notebook, edited)
    after = (lesson_runner.cache_key(edited, environment), lesson_runner.lesson_key(edited, environment))
    assert after[0] == before[0], "a prose edit changed the execution key: it would execute the lesson again"
    assert after[1] != before[1], "the lesson's own key must change: decks are made from its whole text"
    # A tag the checks read does change what the run must prove.
    code.metadata["tags"] = ["raises-exception"]
    nbformat.write(notebook, edited)
    assert lesson_runner.cache_key(edited, environment) != before[0]


@pytest.mark.parametrize("change", ["requirements.txt", "torch", "python"])
def test_a_change_of_environment_changes_every_key(tmp_path, monkeypatch, change):
    before = lesson_runner.environment_fingerprint()
    if change == "requirements.txt":
        repo = tmp_path / "repo"
        repo.mkdir()
        text = (lesson_runner.REPO / "requirements.txt").read_text()
        (repo / "requirements.txt").write_text(text.replace("numpy==", "numpy==0.0.0 # was "))
        monkeypatch.setattr(lesson_runner, "REPO", repo)
    elif change == "torch":
        real_version = lesson_runner.metadata.version
        monkeypatch.setattr(
            lesson_runner.metadata, "version", lambda name: "0.0.0" if name == "torch" else real_version(name)
        )
    else:
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert lesson_runner.environment_fingerprint() != before
    lesson = lesson_runner.lesson_paths()[0]
    assert lesson_runner.cache_key(lesson) != lesson_runner.cache_key(lesson, before)


def _tiny_lesson(path, text):
    notebook = new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [new_markdown_cell("# A tiny lesson", id="cell-0"), new_code_cell(f"print({text!r})", id="cell-1")]
    nbformat.write(notebook, path)


def test_a_second_run_executes_only_the_edited_lesson(tmp_path, monkeypatch):
    """For real: two tiny lessons in a lessons folder and a cache of their own."""
    lessons_dir = tmp_path / "lessons"
    lessons_dir.mkdir()
    monkeypatch.setattr(lesson_runner, "LESSONS_DIR", lessons_dir)
    monkeypatch.setattr(lesson_runner, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(
        lesson_runner, "RUN_LOG", {"executed": 0, "cached": 0, "executed_again": 0, "kernel_restarts": []}
    )
    _tiny_lesson(lessons_dir / "01-first.ipynb", "first")
    _tiny_lesson(lessons_dir / "02-second.ipynb", "second")

    cold = lesson_runner.execute_lessons(determinism=False)
    assert [lesson.from_cache for lesson in cold] == [False, False]
    warm = lesson_runner.execute_lessons(determinism=False)
    assert [lesson.from_cache for lesson in warm] == [True, True]
    assert [lesson.notebook.cells[1].outputs[0].text for lesson in warm] == ["first\n", "second\n"]

    _tiny_lesson(lessons_dir / "02-second.ipynb", "second, edited")
    edited = lesson_runner.execute_lessons(determinism=False)
    assert [lesson.from_cache for lesson in edited] == [True, False]
    assert edited[1].notebook.cells[1].outputs[0].text == "second, edited\n"
    assert lesson_runner.RUN_LOG == {"executed": 3, "cached": 3, "executed_again": 0, "kernel_restarts": []}


@pytest.fixture
def lessons_dir(tmp_path, monkeypatch):
    """An empty lessons folder with a cache of its own; this run's counts are left as they were."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    monkeypatch.setattr(lesson_runner, "LESSONS_DIR", folder)
    monkeypatch.setattr(lesson_runner, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(lesson_runner, "RUN_LOG", {**lesson_runner.RUN_LOG})
    return folder


def test_a_prose_edit_executes_nothing_and_reaches_the_executed_copy(lessons_dir):
    """For real: the edited sentence is in the copy the site renders its page from, outputs kept."""
    _tiny_lesson(lessons_dir / "01-first.ipynb", "first")
    lesson_runner.execute_lessons(determinism=False)
    executed_before = lesson_runner.RUN_LOG["executed"]
    notebook = nbformat.read(lessons_dir / "01-first.ipynb", as_version=4)
    notebook.cells[0].source = "# A tiny lesson, its title edited"
    notebook.cells.append(new_markdown_cell("A closing sentence.", id="cell-2"))
    nbformat.write(notebook, lessons_dir / "01-first.ipynb")
    [lesson] = lesson_runner.execute_lessons(determinism=False)
    assert lesson.from_cache and lesson_runner.RUN_LOG["executed"] == executed_before
    page_source = nbformat.read(lesson_runner.cached_notebook_path(lesson.path), as_version=4)
    for copy in (lesson.notebook, page_source):
        assert [cell.source for cell in copy.cells] == [
            "# A tiny lesson, its title edited",
            "print('first')",
            "A closing sentence.",
        ]
        assert copy.cells[1].outputs[0].text == "first\n"
    # Read again with nothing changed: the copy is not written again (its page is not rendered again).
    stamp = lesson_runner.cached_notebook_path(lesson.path).stat().st_mtime_ns
    lesson_runner.execute_lessons(determinism=False)
    assert lesson_runner.cached_notebook_path(lesson.path).stat().st_mtime_ns == stamp


def test_each_executed_lesson_is_handed_on_once_it_is_cached(lessons_dir):
    """While the others still run (one at a time here): what is made from a lesson can start."""
    _tiny_lesson(lessons_dir / "01-first.ipynb", "first")
    _tiny_lesson(lessons_dir / "02-second.ipynb", "second")
    handed = []

    def when_executed(lesson):
        # Its executed copy is where the build will read it, outputs and all.
        cached = nbformat.read(lesson_runner.cached_notebook_path(lesson.path), as_version=4)
        handed.append((lesson.path.name, cached.cells[1].outputs[0].text))

    assert not lesson_runner.all_cached()
    lesson_runner.execute_lessons(jobs=1, determinism=False, when_executed=when_executed)
    assert handed == [("01-first.ipynb", "first\n"), ("02-second.ipynb", "second\n")]
    assert lesson_runner.all_cached()
    handed.clear()
    lesson_runner.execute_lessons(jobs=1, determinism=False, when_executed=when_executed)
    assert handed == []  # taken from the cache: nothing is handed on again


def test_a_lesson_is_handed_on_only_if_it_passed(lessons_dir):
    _tiny_lesson(lessons_dir / "01-fails.ipynb", "first")
    notebook = nbformat.read(lessons_dir / "01-fails.ipynb", as_version=4)
    notebook.cells[1].source = "1 / 0"
    nbformat.write(notebook, lessons_dir / "01-fails.ipynb")
    _tiny_lesson(lessons_dir / "02-passes.ipynb", "second")
    handed = []
    executed = lesson_runner.execute_lessons(determinism=False, when_executed=lambda lesson: handed.append(lesson))
    assert not executed[0].ok and executed[1].ok
    assert [lesson.path.name for lesson in handed] == ["02-passes.ipynb"]


def test_nothing_changed_means_nothing_executed(executed_lessons):
    """After the suite's own run, every lesson comes from the cache (as the site build finds them).

    Only a lesson that failed runs again: a failure is never cached (test_lessons reports it)."""
    failed = [name for name, lesson in executed_lessons.items() if not lesson.ok]
    executed_before = lesson_runner.RUN_LOG["executed"]
    again = lesson_runner.execute_lessons(determinism=False)
    assert [lesson.path.name for lesson in again if not lesson.from_cache] == failed
    assert lesson_runner.RUN_LOG["executed"] == executed_before + len(failed)


def test_editing_prose_of_a_docs_page_runs_no_block(tmp_path, monkeypatch):
    monkeypatch.setattr(lesson_runner, "DOCS_CACHE_DIR", tmp_path / "cache")
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n```python\nprint('hello')\n```\n")
    [first] = lesson_runner.execute_docs([page], determinism=False)
    page.write_text("# A page\n\nNew prose around the same block.\n\n```python\nprint('hello')\n```\n")
    [second] = lesson_runner.execute_docs([page], determinism=False)
    assert (first.from_cache, second.from_cache) == (False, True)
    page.write_text("# A page\n\n```python\nprint('hello, edited')\n```\n")
    [third] = lesson_runner.execute_docs([page], determinism=False)
    assert third.from_cache is False and third.notebook.cells[0].outputs[0].text == "hello, edited\n"


def test_a_page_is_made_again_only_when_its_inputs_change(tmp_path, monkeypatch):
    from site_builder import page_cache

    monkeypatch.setattr(page_cache, "CACHE_DIR", tmp_path)
    made = []

    def make(text):
        made.append(text)
        return {"html": text.upper()}

    assert page_cache.cached("pages", ["<p>a</p>", b"hook code"], lambda: make("<p>a</p>")) == {"html": "<P>A</P>"}
    assert page_cache.cached("pages", ["<p>a</p>", b"hook code"], lambda: make("<p>a</p>")) == {"html": "<P>A</P>"}
    assert made == ["<p>a</p>"], "the same page and code: taken from the cache"
    page_cache.cached("pages", ["<p>a</p>", b"other hook code"], lambda: make("<p>a</p>"))
    page_cache.cached("pages", ["<p>b</p>", b"hook code"], lambda: make("<p>b</p>"))
    assert made == ["<p>a</p>", "<p>a</p>", "<p>b</p>"], "a change of the page or of the code makes it anew"
    assert not list(tmp_path.rglob("*.tmp"))
