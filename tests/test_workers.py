"""site_builder/workers.py: the build's worker processes, and the renders handed to them while
the lessons still execute."""

import os

import pytest

from site_builder import workers

pytestmark = pytest.mark.site


def _where_and_how_nice(path):
    """Which process ran it, its parent, and its niceness; also written to `path`."""
    answer = (os.getpid(), os.getppid(), os.nice(0))
    path.write_text(" ".join(map(str, answer)))
    return answer


def _fails():
    raise RuntimeError("a job that fails")


@pytest.fixture
def open_workers(monkeypatch):
    monkeypatch.delenv(workers.EARLY_VARIABLE, raising=False)
    yield workers
    workers.close_workers()


def test_jobs_handed_over_run_in_workers_below_the_kernels_priority(open_workers, tmp_path):
    marks = [tmp_path / "a", tmp_path / "b"]
    workers.open_workers()
    workers.hand_over(lambda: [(_where_and_how_nice, (mark,)) for mark in marks])
    workers.wait_for_handed()
    for mark in marks:
        pid, parent, niceness = map(int, mark.read_text().split())
        assert pid != os.getpid() and parent == os.getpid()
        assert niceness >= workers.NICENESS
    # The build's side-by-side renders use the same workers while they are open.
    [(pid, parent, niceness)] = workers.run([(_where_and_how_nice, (tmp_path / "c",))])
    assert pid != os.getpid() and parent == os.getpid() and niceness >= workers.NICENESS


def test_a_plan_or_a_job_that_fails_is_left_to_the_build(open_workers, tmp_path):
    def broken_plan():
        raise ValueError("a plan that fails")

    workers.open_workers()
    workers.hand_over(broken_plan)
    workers.hand_over(lambda: [(_fails, ())])
    workers.hand_over(lambda: [(_where_and_how_nice, (tmp_path / "good",))])
    workers.wait_for_handed()  # does not raise
    assert (tmp_path / "good").exists()


def test_nothing_is_handed_over_without_open_workers_or_when_turned_off(open_workers, tmp_path, monkeypatch):
    def plan():
        return [(_where_and_how_nice, (tmp_path / "mark",))]

    workers.hand_over(plan)  # none open
    assert workers.run([(_where_and_how_nice, (tmp_path / "mark",))]) is None
    workers.open_workers()
    monkeypatch.setenv(workers.EARLY_VARIABLE, "0")
    workers.hand_over(plan)
    workers.wait_for_handed()
    assert not (tmp_path / "mark").exists()


def test_a_lesson_rendered_early_leaves_the_build_nothing_to_render(executed_lessons, tmp_path, monkeypatch):
    """The hook's early renders, for real: a lesson's deck and page, rendered by the workers into
    empty caches, are what the build's on_files then finds there (it renders nothing more)."""
    from mkdocs.config import load_config

    from site_builder import REPO, hook, lesson_pages, page_cache, slides

    config = load_config(str(REPO / "mkdocs.yml"))
    settings = {**lesson_pages.jupyter_settings(config), "cache_dir": str(tmp_path / "mkdocs-jupyter")}
    monkeypatch.setattr(lesson_pages, "jupyter_settings", lambda config: settings)
    monkeypatch.setattr(page_cache, "CACHE_DIR", tmp_path / "pages")
    monkeypatch.setattr(slides, "CACHE_DIR", tmp_path / "slides")
    lesson = executed_lessons["02-read-the-message.ipynb"]

    before = hook._render_early(lesson, config)
    assert [function.__name__ for function, _ in before] == ["render_into_cache", "render_lesson_page"]
    workers.open_workers(hook.WARM_UP)  # forked now: the workers see the caches above
    try:
        workers.hand_over(lambda: hook._render_early(lesson, config))
        workers.wait_for_handed()
    finally:
        workers.close_workers()
    assert hook._render_early(lesson, config) == []
    assert len(list((tmp_path / "slides").glob("02-read-the-message-*.html"))) == 1
    assert list((tmp_path / "mkdocs-jupyter").rglob("*.json")), "mkdocs-jupyter's cache entry"
