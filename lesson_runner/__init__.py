"""Execute the lessons once, check them strictly, and keep the results.

Both the test suite and the site build call `execute_lessons`. An executed
notebook is cached under `.cache/lessons/` by a key made of everything its
outputs depend on (the notebook's bytes, requirements.txt, the Python and
torch versions, and this runner's own source), so a lesson runs again only
when one of those changes.

Checks, for every code cell:
- an untagged cell must not raise;
- a cell tagged `raises-exception` must raise exactly the exception named in
  its `expected_error` metadata ({"ename": ..., "evalue": ...});
- no cell may run past the per-cell timeout.
Each problem is reported as a sentence naming the lesson file, the cell
number and the cell's first line.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

REPO = Path(__file__).resolve().parent.parent
LESSONS_DIR = REPO / "lessons"
CACHE_DIR = REPO / ".cache" / "lessons"
CELL_TIMEOUT_SECONDS = 120
RAISES_TAG = "raises-exception"

# How many lessons this process executed and how many it took from the cache (for reports).
RUN_LOG = {"executed": 0, "cached": 0}

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Problem:
    """One thing wrong with one cell of one lesson, as a sentence."""

    lesson: str
    cell_number: int  # 1-based position among all the notebook's cells
    first_line: str
    what: str

    def __str__(self) -> str:
        return f"{self.lesson}, cell {self.cell_number} ({self.first_line!r}): {self.what}"


@dataclass
class ExecutedLesson:
    path: Path
    notebook: nbformat.NotebookNode
    seconds: float
    from_cache: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class LessonFailure(Exception):
    """Raised when lessons have problems; its message lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def lesson_paths() -> list[Path]:
    """The lessons in order: lessons/NN-slug.ipynb, ordered by NN."""
    return sorted(LESSONS_DIR.glob("[0-9][0-9]-*.ipynb"))


def first_line(cell) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0] if lines else "(empty cell)"


def _environment_fingerprint() -> bytes:
    parts = [
        sys.version,
        metadata.version("torch"),
        (REPO / "requirements.txt").read_text(),
        Path(__file__).read_text(),
    ]
    return "\0".join(parts).encode()


def cache_key(path: Path) -> str:
    digest = hashlib.sha256(_environment_fingerprint())
    digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


# --- checking -----------------------------------------------------------------------------------


def check(
    path: Path, notebook, timed_out_cell: int | None = None, crash: str | None = None, timeout: int = CELL_TIMEOUT_SECONDS
) -> list[Problem]:
    """Every problem of an executed notebook, in cell order."""
    problems = []
    name = path.name
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue

        def problem(what: str, index=index, cell=cell) -> None:
            problems.append(Problem(name, index + 1, first_line(cell), what))

        if index == timed_out_cell:
            problem(f"ran past the per-cell timeout of {timeout} s and was stopped")
            break
        tagged = RAISES_TAG in cell.metadata.get("tags", [])
        expected = cell.metadata.get("expected_error")
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        raised = errors[0] if errors else None
        if not tagged:
            if expected:
                problem(f"has expected_error metadata but no {RAISES_TAG!r} tag")
            if raised:
                problem(f"raised {raised.ename}: {raised.evalue} (untagged cells must run without error)")
            continue
        if not expected or set(expected) != {"ename", "evalue"}:
            problem(
                f"is tagged {RAISES_TAG!r} but has no expected_error metadata "
                '{"ename": ..., "evalue": ...} saying which exception it must raise'
            )
            continue
        if cell.get("execution_count") is None and not raised:
            problem("never ran (an earlier problem stopped the lesson)")
            continue
        if raised is None:
            problem(f"was expected to raise {expected['ename']}: {expected['evalue']}, but ran without error")
        elif (raised.ename, raised.evalue) != (expected["ename"], expected["evalue"]):
            problem(
                f"was expected to raise {expected['ename']}: {expected['evalue']}, "
                f"but raised {raised.ename}: {raised.evalue}"
            )
    if crash:
        problems.append(Problem(name, 0, "", crash))
    return problems


# --- cleaning the outputs for the page -----------------------------------------------------------

# Absolute paths of this machine: the virtual environment, the Python installation, the repository.
_SITE_PACKAGES = re.compile(r"(?:/[^\s:'\"]*)?/(?:site|dist)-packages/")
_PYTHON_LIB = re.compile(r"/[^\s:'\"]*/lib/python3\.\d+/")


def strip_machine_paths(text: str) -> str:
    text = _SITE_PACKAGES.sub("", text)
    text = _PYTHON_LIB.sub("", text)
    return text.replace(str(REPO) + "/", "")


def trim_traceback(frames: list[str]) -> list[str]:
    """Keep the header, the notebook's own frames, the frame that raised and the final line.

    The frames in between are the machinery of torch and friends; a learner needs to know
    they are there, not to read them.
    """
    if len(frames) < 4:
        return [strip_machine_paths(frame) for frame in frames]
    # IPython's header is a 75-dash rule and a line padded to 75 columns: both wrap badly in a
    # page's narrow column and say nothing, so keep one short line.
    header = [re.sub(r" {2,}", "  ", frames[1])]
    body, last_line = frames[2:-1], frames[-1]
    kept: list[str] = []
    hidden = 0
    for position, frame in enumerate(body):
        is_cell = ANSI.sub("", frame).startswith("Cell ")
        if is_cell or position == len(body) - 1:
            if hidden:
                kept.append(f"\x1b[2m    … {hidden} frame{'s' if hidden > 1 else ''} inside the library hidden …\x1b[22m\n")
                hidden = 0
            kept.append(strip_machine_paths(frame))
        else:
            hidden += 1
    return header + kept + [last_line]


def clean_outputs(notebook) -> None:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = trim_traceback(output.traceback)
            elif output.output_type == "stream":
                output.text = strip_machine_paths(output.text)
            elif "data" in output and "text/plain" in output.data:
                output.data["text/plain"] = strip_machine_paths(output.data["text/plain"])


# --- executing ------------------------------------------------------------------------------------


async def _execute(path: Path, timeout: int) -> ExecutedLesson:
    notebook = nbformat.read(path, as_version=4)
    current = {"index": None}

    def on_cell_execute(cell, cell_index):
        current["index"] = cell_index

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,  # every error is judged by `check`, cell by cell
        record_timing=False,  # timestamps would make outputs differ between runs
        on_cell_execute=on_cell_execute,
    )
    started = time.perf_counter()
    timed_out, crash = None, None
    # An empty working folder: a lesson must stand alone, with no file it did not create.
    with tempfile.TemporaryDirectory(prefix="lesson-") as workdir:
        client.resources = {"metadata": {"path": workdir}}
        try:
            await client.async_execute()
        except CellTimeoutError:
            timed_out = current["index"]
        except DeadKernelError as error:
            crash = f"the kernel died while running cell {(current['index'] or 0) + 1}: {error}"
    seconds = time.perf_counter() - started
    problems = check(path, notebook, timed_out, crash, timeout)
    clean_outputs(notebook)
    return ExecutedLesson(path, notebook, seconds, from_cache=False, problems=problems)


def _cached(path: Path) -> ExecutedLesson | None:
    notebook_file = cached_notebook_path(path)
    if not notebook_file.exists():
        return None
    seconds = json.loads(notebook_file.with_suffix(".json").read_text())["seconds"]
    notebook = nbformat.read(notebook_file, as_version=4)
    return ExecutedLesson(path, notebook, seconds, from_cache=True)


def _store(lesson: ExecutedLesson) -> None:
    """Cache only lessons that passed every check: a failing one must run (and fail) again."""
    if not lesson.ok:
        return
    notebook_file = cached_notebook_path(lesson.path)
    notebook_file.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(lesson.notebook, notebook_file)
    notebook_file.with_suffix(".json").write_text(json.dumps({"seconds": lesson.seconds}))


def cached_notebook_path(path: Path) -> Path:
    """Where the executed copy of a lesson lives: <key>/lessons/<the lesson's own file name>,
    so that the site can use the key folder as the source folder of `lessons/NN-slug.ipynb`."""
    return CACHE_DIR / cache_key(path) / "lessons" / path.name


def execute_lessons(
    paths: list[Path] | None = None, jobs: int | None = None, timeout: int = CELL_TIMEOUT_SECONDS
) -> list[ExecutedLesson]:
    """Execute every lesson not already cached, `jobs` at a time, and return them all in order."""
    paths = lesson_paths() if paths is None else list(paths)
    jobs = jobs or os.cpu_count() or 1
    results: dict[Path, ExecutedLesson] = {}
    to_run = []
    for path in paths:
        cached = _cached(path)
        if cached:
            results[path] = cached
        else:
            to_run.append(path)

    async def run_all():
        limit = asyncio.Semaphore(jobs)

        async def run_one(path):
            async with limit:
                return await _execute(path, timeout)

        return await asyncio.gather(*(run_one(path) for path in to_run))

    RUN_LOG["cached"] += sum(path.parent == LESSONS_DIR for path in results)
    RUN_LOG["executed"] += sum(path.parent == LESSONS_DIR for path in to_run)
    if to_run:
        # A thread of its own: the caller may already run an event loop (Playwright's sync API does).
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            executed = thread.submit(asyncio.run, run_all()).result()
        for lesson in executed:
            _store(lesson)
            results[lesson.path] = lesson
    return [results[path] for path in paths]
