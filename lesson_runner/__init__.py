"""Execute the lessons once, check them strictly, and keep the results.

Both the test suite and the site build call `execute_lessons`. An executed
notebook is cached under `.cache/lessons/` by a key made of everything its
outputs depend on (the notebook's bytes, requirements.txt, the Python and
torch versions, and this runner's own source), so a lesson runs again only
when one of those changes. The Python blocks of docs/ run the same way, one
kernel per page (`execute_docs`), under the same checks.

Checks, for every code cell:
- an untagged cell must not raise;
- a cell tagged `raises-exception` must raise exactly the exception named in
  its `expected_error` metadata ({"ename": ..., "evalue": ...});
- no cell may run past the per-cell timeout;
- no cell may read the network or a file the lesson did not create (an audit
  hook in the kernel watches, see audit_hook.py);
- no output may hold what changes from run to run (a memory address, a date,
  a clock time, a measured duration);
- with SHAPE_MATTERS_DETERMINISM=1 (`pytest --determinism`), each lesson runs
  once more and every output must be the same as the first time.
Each problem is reported as a sentence naming the lesson file, the cell
number and the cell's first line.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import copy
import hashlib
import json
import os
import re
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
LESSONS_DIR = REPO / "lessons"
CACHE_DIR = REPO / ".cache" / "lessons"
CELL_TIMEOUT_SECONDS = 120
RAISES_TAG = "raises-exception"
DOCS_DIR = REPO / "docs"
DOCS_CACHE_DIR = REPO / ".cache" / "docs-blocks"
HERE = Path(__file__).resolve().parent
AUDIT_HOOK = HERE / "audit_hook.py"
# Run every lesson twice and compare the outputs (CI sets it; `pytest --determinism` too).
DETERMINISM_VARIABLE = "SHAPE_MATTERS_DETERMINISM"

# How many lessons this process executed, took from the cache, and executed a second time (for reports).
RUN_LOG = {"executed": 0, "cached": 0, "executed_again": 0, "kernel_restarts": []}


# Every line of progress of this process, for a report at its end (the test suite's summary).
PROGRESS: list[str] = []


def say(line: str) -> None:
    """One line of progress on standard error: what executes, and each lesson as it is done. A build
    shows it as it goes (`make serve`, `make build`); pytest reports PROGRESS in its summary."""
    PROGRESS.append(line)
    print(line, file=sys.stderr, flush=True)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Problem:
    """One thing wrong with one cell of one lesson, as a sentence."""

    lesson: str
    cell_number: int  # 1-based position among all the notebook's cells
    first_line: str
    what: str
    unit: str = "cell"  # "Python block" for the blocks of a docs page

    def __str__(self) -> str:
        return f"{self.lesson}, {self.unit} {self.cell_number} ({self.first_line!r}): {self.what}"


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


def environment_fingerprint() -> bytes:
    """A digest of everything besides the notebook that its outputs depend on: the Python and torch
    versions, the pinned requirements, and this package's own files (the runner, the watcher it puts
    in the kernel, the template its kernels are forked from)."""
    parts = [sys.version, metadata.version("torch"), (REPO / "requirements.txt").read_text()]
    parts += [f"{path.name}\0{path.read_text()}" for path in sorted(HERE.glob("*.py"))]
    return hashlib.sha256("\0".join(parts).encode()).digest()


def execution_identity(notebook: dict) -> bytes:
    """What executing a notebook depends on inside it: its kernel and its code cells in order, with
    the tags and expected errors the checks read. Prose is left out (markdown cells, cell ids, slide
    types, the lesson's own metadata): editing it executes nothing, and _cached merges the edited
    prose into the executed copy instead."""
    code = [
        [cell["source"], cell["metadata"].get("tags", []), cell["metadata"].get("expected_error")]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]
    kernel = notebook["metadata"].get("kernelspec", {}).get("name")
    return json.dumps([kernel, code], sort_keys=True).encode()


def cache_key(path: Path, environment: bytes | None = None) -> str:
    """The execution cache key of one lesson: its code (execution_identity) and the environment
    (computed once per run when given). Two versions of a lesson that differ only in prose share it."""
    notebook = nbformat.reader.reads(path.read_text())
    digest = hashlib.sha256(environment or environment_fingerprint())
    digest.update(execution_identity(notebook))
    return digest.hexdigest()[:32]


def lesson_key(path: Path, environment: bytes | None = None) -> str:
    """A key of everything made from a lesson's whole text (a deck): its bytes and the environment."""
    digest = hashlib.sha256(environment or environment_fingerprint())
    digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


# --- checking -----------------------------------------------------------------------------------


def error_metadata_problem(cell) -> str | None:
    """What is wrong with how a code cell says it must fail, readable before it runs: the
    `raises-exception` tag and the `expected_error` metadata go together (the lesson linter
    reports it too)."""
    tagged = RAISES_TAG in cell.metadata.get("tags", [])
    expected = cell.metadata.get("expected_error")
    if not tagged and expected:
        return f"has expected_error metadata but no {RAISES_TAG!r} tag"
    if tagged and (not isinstance(expected, dict) or set(expected) != {"ename", "evalue"}):
        return (
            f"is tagged {RAISES_TAG!r} but has no expected_error metadata "
            '{"ename": ..., "evalue": ...} saying which exception it must raise'
        )
    return None


def check(
    path: Path,
    notebook,
    timed_out_cell: int | None = None,
    crash: str | None = None,
    timeout: int = CELL_TIMEOUT_SECONDS,
    *,
    name: str | None = None,
    unit: str = "cell",
    findings: list[tuple[int, str]] = (),
) -> list[Problem]:
    """Every problem of an executed notebook, in cell order.

    `findings` are what the kernel's audit hook saw, as (cell index, sentence).
    """
    problems = []
    name = name or path.name
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue

        def problem(what: str, index=index, cell=cell) -> None:
            problems.append(Problem(name, index + 1, first_line(cell), what, unit))

        cell_findings = [what for cell_index, what in findings if cell_index == index]
        if index == timed_out_cell:
            problem(f"ran past the per-cell timeout of {timeout} s and was stopped")
            for what in cell_findings:
                problem(what)
            break
        tagged = RAISES_TAG in cell.metadata.get("tags", [])
        expected = cell.metadata.get("expected_error")
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        raised = errors[0] if errors else None
        unpaired = error_metadata_problem(cell)
        if unpaired:
            problem(unpaired)
        if not tagged:
            if raised:
                rule = " (untagged cells must run without error)" if unit == "cell" else ""
                problem(f"raised {raised.ename}: {raised.evalue}{rule}")
        elif unpaired:
            pass
        elif cell.get("execution_count") is None and not raised:
            problem("never ran (an earlier problem stopped the lesson)")
        elif raised is None:
            problem(f"was expected to raise {expected['ename']}: {expected['evalue']}, but ran without error")
        elif (raised.ename, raised.evalue) != (expected["ename"], expected["evalue"]):
            problem(
                f"was expected to raise {expected['ename']}: {expected['evalue']}, "
                f"but raised {raised.ename}: {raised.evalue}"
            )
        for what in cell_findings:
            problem(what)
        for what in changing_values(cell):
            problem(what)
    if crash:
        problems.append(Problem(name, 0, "", crash, unit))
    return problems


# What changes from run to run when it is printed. A lesson's outputs must be the same on every run
# (seeded, no wall-clock times, no memory addresses); these are caught in a single run.
CHANGING_VALUES = [
    ("a memory address", re.compile(r"\b0x[0-9a-fA-F]{6,}\b")),
    ("a date and time", re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")),
    ("a clock time", re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")),
    (
        "a measured duration",
        re.compile(
            r"(?i)\b(?:took|elapsed|wall time:?|cpu times:)[^\n]*?\d+(?:\.\d+)?\s*(?:s|ms|µs|us|ns|sec|seconds?|minutes?)\b"
        ),
    ),
    ("a measured duration", re.compile(r"\d+(?:\.\d+)?\s*(?:s|ms|µs|us|ns) ± \d")),  # %timeit
    ("a measured speed", re.compile(r"\d+(?:\.\d+)?\s*(?:it/s|s/it)\b")),  # progress bars
]


def output_texts(output) -> list[str]:
    """The text of one output: what a reader sees (images are compared, not searched)."""
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return [f"{output.ename}: {output.evalue}"]
    data = output.get("data", {})
    return [
        value if isinstance(value, str) else json.dumps(value)
        for mime, value in data.items()
        if mime.startswith("text/")
    ]


def changing_values(cell) -> list[str]:
    """A sentence for each line of the cell's outputs that shows a value that changes from run to run."""
    found = []
    for output in cell.get("outputs", []):
        for text in output_texts(output):
            for line in ANSI.sub("", text).splitlines():
                for kind, pattern in CHANGING_VALUES:
                    if pattern.search(line):
                        shown = line.strip() if len(line.strip()) <= 100 else line.strip()[:99] + "…"
                        found.append(f"printed {kind}, which changes from run to run: {shown!r}")
                        break
    return found


def compare_runs(first, second, name: str, unit: str = "cell") -> list[Problem]:
    """A problem for each code cell whose outputs differ between two runs of the same notebook."""
    problems = []
    for index, (before, after) in enumerate(zip(first.cells, second.cells)):
        if before.cell_type != "code":
            continue
        lines_before = _comparable_lines(before)
        lines_after = _comparable_lines(after)
        if lines_before == lines_after:
            continue
        position = next(
            (i for i, (a, b) in enumerate(zip(lines_before, lines_after)) if a != b),
            min(len(lines_before), len(lines_after)),
        )
        shown_before = lines_before[position] if position < len(lines_before) else "(nothing)"
        shown_after = lines_after[position] if position < len(lines_after) else "(nothing)"
        problems.append(
            Problem(
                name,
                index + 1,
                first_line(before),
                f"printed different outputs in two runs: {shown_before!r} the first time, {shown_after!r} the second",
                unit,
            )
        )
    return problems


def _comparable_lines(cell) -> list[str]:
    lines = []
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            lines += ANSI.sub("", "\n".join(output.traceback)).splitlines()
        elif output.output_type == "stream":
            lines += output.text.splitlines()
        else:
            for mime, value in sorted(output.get("data", {}).items()):
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                lines += (
                    text.splitlines()
                    if mime.startswith("text/")
                    else [f"{mime}: {hashlib.sha256(text.encode()).hexdigest()[:12]}"]
                )
    return lines


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
                kept.append(
                    f"\x1b[2m    … {hidden} frame{'s' if hidden > 1 else ''} inside the library hidden …\x1b[22m\n"
                )
                hidden = 0
            kept.append(strip_machine_paths(frame))
        else:
            hidden += 1
    return header + kept + [last_line]


def merge_streams(outputs: list) -> list:
    """Join each run of consecutive outputs of the same stream (stdout or stderr) into one.

    The kernel sends what a cell prints in pieces, cut wherever its output thread happened to
    flush, so one printed line can arrive as two outputs in one run and as one in the next.
    A notebook front end shows consecutive pieces as one block; so does the page, and the
    determinism check compares what was printed, not where the kernel cut it. Outputs that are
    not consecutive (a print, a figure, a print) stay where they are.
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def clean_outputs(notebook) -> None:
    for cell in notebook.cells:
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = trim_traceback(output.traceback)
            elif output.output_type == "stream":
                output.text = strip_machine_paths(output.text)
            elif "data" in output and "text/plain" in output.data:
                output.data["text/plain"] = strip_machine_paths(output.data["text/plain"])


# --- executing ------------------------------------------------------------------------------------


@dataclass
class Source:
    """One notebook to execute: a lesson, or the Python blocks of a docs page made into one."""

    path: Path  # the file it comes from
    name: str  # how its problems name it
    unit: str  # what its code cells are called in a problem: "cell" or "Python block"
    cache_file: Path  # where its executed copy is kept once it passed every check
    notebook: Callable[[], nbformat.NotebookNode]  # reads (or makes) the notebook to execute
    is_lesson: bool = True
    # Run each cell as a script runs: a last bare expression shows nothing (docs blocks show no output).
    script_like: bool = False


def _audit_setup_code(audit_log: Path, workdir: Path, script_like: bool = False) -> str:
    """What runs silently in the kernel before the first cell: the audit hook, told which cell is running.

    It runs in a namespace of its own, so the lesson's namespace gains no name from it (a lesson that
    forgot an import must fail here as it would for a learner).
    """
    install = f"""
from IPython import get_ipython
shell = get_ipython()
# The n-th cell the kernel runs is the n-th cell the runner sent (silent requests fire no event).
started = [0]
running = [None]
def pre_run_cell(info):
    started[0] += 1
    running[0] = started[0]
shell.events.register("pre_run_cell", pre_run_cell)
shell.events.register("post_run_cell", lambda result: running.__setitem__(0, None))
# The kernel keeps each cell's source in a file of its own there, and reads it back for tracebacks.
from ipykernel.compiler import get_tmp_directory
install({str(audit_log)!r}, {str(workdir)!r}, lambda: running[0], [get_tmp_directory()])
if {script_like!r}:
    shell.ast_node_interactivity = "none"
"""
    source = AUDIT_HOOK.read_text() + install
    return f"exec(compile({source!r}, 'lesson_runner/audit_hook.py', 'exec'), {{'__name__': 'lesson_audit_hook'}})"


def _read_findings(audit_log: Path, order: list[int]) -> list[tuple[int, str]]:
    """The audit hook's findings as (cell index, sentence), each once, in the order they happened.

    The hook numbers the cells in the order the kernel ran them; `order` holds the index of the cell sent n-th."""
    if not audit_log.exists():
        return []
    findings = []
    for line in audit_log.read_text().splitlines():
        record = json.loads(line)
        count = record["cell"]
        index = order[count - 1] if 0 < count <= len(order) else -1
        if (index, record["what"]) not in findings:
            findings.append((index, record["what"]))
    return findings


class _KernelDidNotStart(Exception):
    """The kernel died or hung before the first cell, or the audit hook could not be installed."""


async def _execute(source: Source, timeout: int, template=None) -> ExecutedLesson:
    """Execute and check one lesson. A kernel that does not start is started once more (spawned);
    what it said is kept in RUN_LOG["kernel_restarts"] for the report. Twice is a problem."""
    try:
        return await _execute_once(source, timeout, template)
    except _KernelDidNotStart as first:
        RUN_LOG["kernel_restarts"].append(f"{source.name}: {first}")
        try:
            return await _execute_once(source, timeout, None)
        except _KernelDidNotStart as second:
            notebook = source.notebook()
            number, cell = next(
                ((number, cell) for number, cell in enumerate(notebook.cells, 1) if cell.cell_type == "code"),
                (1, nbformat.v4.new_code_cell("")),
            )
            what = f"never ran: the kernel did not start, twice ({second})"
            problem = Problem(source.name, number, first_line(cell), what, unit=source.unit)
            return ExecutedLesson(source.path, notebook, 0.0, from_cache=False, problems=[problem])


async def _execute_once(source: Source, timeout: int, template=None) -> ExecutedLesson:
    # Imported here: a warm site build, which executes nothing, does not pay for the kernel machinery.
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from lesson_runner import forked_kernels

    notebook = source.notebook()
    order: list[int] = []  # the index of each cell in the order the kernel received them

    def on_cell_execute(cell, cell_index):
        order.append(cell_index)

    started = time.perf_counter()
    timed_out, crash = None, None
    with tempfile.TemporaryDirectory(prefix="lesson-") as scratch:
        # An empty working folder: a lesson must stand alone, with no file it did not create.
        # The audit log and the kernel's own messages live beside it, out of the lesson's reach.
        workdir = Path(scratch) / "work"
        workdir.mkdir()
        audit_log = Path(scratch) / "audit.jsonl"
        kernel_messages = Path(scratch) / "kernel-stderr.txt"

        async def install_audit_hook(notebook):
            msg_id = client.kc.execute(
                _audit_setup_code(audit_log, workdir, source.script_like), silent=True, store_history=False
            )
            reply = await client.async_wait_for_reply(msg_id)
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError(f"the audit hook could not be installed in the kernel: {reply}")

        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            kernel_manager_class=forked_kernels.manager_class(template),
            # Once the last cell answered, the kernel holds nothing the harness still needs (the audit
            # hook writes each finding as it happens): killing it spares a second of torch tearing down.
            shutdown_kernel="immediate",
            allow_errors=True,  # every error is judged by `check`, cell by cell
            record_timing=False,  # timestamps would make outputs differ between runs
            on_cell_execute=on_cell_execute,
            on_notebook_start=install_audit_hook,
        )
        client.resources = {"metadata": {"path": str(workdir)}}
        with open(kernel_messages, "wb") as kernel_stderr:
            try:
                # The kernel's own stderr (start-up warnings) goes to a file, not the test's output.
                await client.async_execute(stderr=kernel_stderr)
            except CellTimeoutError:
                timed_out = order[-1] if order else None
            except DeadKernelError as error:
                crash = f"the kernel died while running cell {order[-1] + 1 if order else 0}: {error}"
                crash += _last_words(kernel_messages)
            except Exception as error:  # noqa: BLE001 - sorted below: a lesson's fault or the kernel's start
                if order:
                    raise
                # nbclient leaves a kernel that failed to start to its atexit handler, which then fails.
                atexit.unregister(client._cleanup_kernel)
                if client.km is not None:
                    await client._async_cleanup_kernel()
                raise _KernelDidNotStart(f"{type(error).__name__}: {error}{_last_words(kernel_messages)}") from error
        findings = _read_findings(audit_log, order)
    seconds = time.perf_counter() - started
    problems = check(
        source.path,
        notebook,
        timed_out,
        crash,
        timeout,
        name=source.name,
        unit=source.unit,
        findings=findings,
    )
    clean_outputs(notebook)
    return ExecutedLesson(source.path, notebook, seconds, from_cache=False, problems=problems)


def _last_words(kernel_messages: Path) -> str:
    last_words = kernel_messages.read_text(errors="replace").strip().splitlines()[-3:]
    return " (its last words: " + " / ".join(last_words) + ")" if last_words else ""


def _cached(source: Source) -> ExecutedLesson | None:
    if not source.cache_file.exists():
        return None
    seconds = json.loads(source.cache_file.with_suffix(".json").read_text())["seconds"]
    # Written by _store (nbformat.write checks it against the schema): read back without checking
    # it again. A warm build reads every lesson twice, once per hook, and validating would be
    # most of that reading.
    cached_text = source.cache_file.read_text()
    notebook = nbformat.reader.reads(cached_text)
    if source.is_lesson:
        # The key covers the code only: bring the lesson's current prose into the executed copy,
        # and keep the copy on disk up to date, since the site renders the page from that file.
        notebook = with_prose_of(nbformat.reader.reads(source.path.read_text()), notebook)
        merged_text = nbformat.writes(notebook) + "\n"  # as nbformat.write, in _store, ends it
        if merged_text != cached_text:
            # Whole or not at all: a build reading the file never sees half of it.
            partial = source.cache_file.with_suffix(".partial")
            partial.write_text(merged_text)
            os.replace(partial, source.cache_file)
    return ExecutedLesson(source.path, notebook, seconds, from_cache=True)


def with_prose_of(lesson, executed):
    """The executed notebook with the lesson's current prose: its markdown cells, cell ids and
    metadata, and the notebook's metadata. The code cells (the same code, by the cache key) keep
    their outputs and execution counts."""
    executed_code = iter([cell for cell in executed.cells if cell.cell_type == "code"])
    merged = copy.deepcopy(lesson)
    for cell in merged.cells:
        if cell.cell_type == "code":
            ran = next(executed_code)
            cell.outputs = copy.deepcopy(ran.outputs)
            cell.execution_count = ran.execution_count
    # What the kernel reported (language_info) and the runner recorded (the environment) stay.
    kept = {key: executed.metadata[key] for key in ("language_info", "shape_matters") if key in executed.metadata}
    merged.metadata = nbformat.from_dict({**lesson.metadata, **kept})
    merged.nbformat, merged.nbformat_minor = executed.nbformat, executed.nbformat_minor
    return merged


def _store(source: Source, lesson: ExecutedLesson, environment: bytes) -> None:
    """Cache only what passed every check: a failing lesson must run (and fail) again."""
    if not lesson.ok:
        return
    # The environment's digest in the executed copy makes its bytes, and so mkdocs-jupyter's own
    # cache key for the rendered page, change whenever the environment does.
    lesson.notebook.metadata["shape_matters"] = {"environment": environment.hex()[:16]}
    source.cache_file.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(lesson.notebook, source.cache_file)
    source.cache_file.with_suffix(".json").write_text(json.dumps({"seconds": lesson.seconds}))


def _forget(source: Source) -> None:
    source.cache_file.unlink(missing_ok=True)
    source.cache_file.with_suffix(".json").unlink(missing_ok=True)


def cached_notebook_path(path: Path, environment: bytes | None = None) -> Path:
    """Where the executed copy of a lesson lives: <key>/lessons/<the lesson's own file name>,
    so that the site can use the key folder as the source folder of `lessons/NN-slug.ipynb`."""
    return CACHE_DIR / cache_key(path, environment) / "lessons" / path.name


# `pytest --determinism` sets this for its own process (the site build it starts reads the cache).
determinism_by_default = False


def determinism_requested() -> bool:
    return determinism_by_default or os.environ.get(DETERMINISM_VARIABLE, "") not in ("", "0")


def _lesson_source(path: Path, environment: bytes) -> Source:
    return Source(
        path=path,
        name=path.name,
        unit="cell",
        cache_file=cached_notebook_path(path, environment),
        notebook=lambda: nbformat.read(path, as_version=4),
        is_lesson=path.parent == LESSONS_DIR,
    )


def all_cached(paths: list[Path] | None = None) -> bool:
    """Whether every lesson is executed already (execute_lessons will only read the cache)."""
    environment = environment_fingerprint()
    return all(cached_notebook_path(path, environment).exists() for path in (paths or lesson_paths()))


def execute_lessons(
    paths: list[Path] | None = None,
    jobs: int | None = None,
    timeout: int = CELL_TIMEOUT_SECONDS,
    determinism: bool | None = None,
    when_executed: Callable[[ExecutedLesson], None] | None = None,
) -> list[ExecutedLesson]:
    """Execute every lesson not already cached, `jobs` at a time, and return them all in order.

    With `determinism` (default: the SHAPE_MATTERS_DETERMINISM variable), every lesson runs once
    more, and each cell whose outputs differ from the first run (or the cached copy) is a problem.
    Without it, each lesson that passed is cached as soon as it is executed and then handed to
    `when_executed` (in the execution's thread), while the others still run.
    """
    paths = lesson_paths() if paths is None else list(paths)
    environment = environment_fingerprint()
    sources = [_lesson_source(path, environment) for path in paths]
    return _execute_all(sources, environment, jobs, timeout, determinism, when_executed)


def _execute_all(
    sources: list[Source],
    environment: bytes,
    jobs: int | None,
    timeout: int,
    determinism: bool | None,
    when_executed: Callable[[ExecutedLesson], None] | None = None,
) -> list[ExecutedLesson]:
    # One lesson more than there are cores: a kernel waits now and then (starting, answering over
    # ZeroMQ), and the extra lesson fills those gaps. More than one extra only makes the kernels
    # compete for the cores (dev_tools/bench/README.md has the measurements).
    jobs = jobs or (os.cpu_count() or 1) + 1
    determinism = determinism_requested() if determinism is None else determinism
    results: dict[Path, ExecutedLesson] = {}
    to_run = []
    for source in sources:
        cached = _cached(source)
        if cached:
            results[source.path] = cached
        else:
            to_run.append(source)
    # With the determinism check, each lesson is executed (once more): its second run.
    again = sources if determinism else []
    stored = set()

    async def run_all(template):
        limit = asyncio.Semaphore(jobs)

        async def run_one(source, template):
            async with limit:
                return await _execute(source, timeout, template)

        async def run_first(source, template):
            lesson = await run_one(source, template)
            say(_done_line(source, lesson, "executed"))
            if when_executed is not None and not determinism and lesson.ok:
                _store(source, lesson, environment)
                stored.add(source.path)
                when_executed(lesson)
            return lesson

        # The first run forks its kernels from the template; the determinism check's second run
        # spawns them from nothing, so it also proves that a forked kernel prints what a fresh one does.
        async def run_again(source):
            lesson = await run_one(source, None)
            say(_done_line(source, lesson, "executed again"))
            return lesson

        runs = [run_first(source, template) for source in to_run] + [run_again(source) for source in again]
        return await asyncio.gather(*runs)

    RUN_LOG["cached"] += sum(source.is_lesson for source in sources if source.path in results)
    RUN_LOG["executed"] += sum(source.is_lesson for source in to_run)
    RUN_LOG["executed_again"] += sum(source.is_lesson for source in again)
    if to_run or again:
        names = ", ".join(source.name for source in to_run) or "none"
        kind = "lessons" if all(source.is_lesson for source in sources) else "docs pages' Python blocks"
        say(
            f"{kind}: executing {len(to_run)} ({names}), {len(results)} taken from the cache"
            + (f"; all {len(again)} again, to compare their outputs" if again else "")
        )
        # A thread of its own: the caller may already run an event loop (Playwright's sync API does).
        from lesson_runner import forked_kernels

        # The template pays torch's import once for every kernel; for a single lesson (one edited,
        # `make serve`) spawning its kernel costs no more, and skips importing what it never uses.
        template = forked_kernels.KernelTemplate() if len(to_run) > 1 and forked_kernels.forking_wanted() else None
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
                executed = thread.submit(asyncio.run, run_all(template)).result()
        finally:
            if template:
                template.close()
        for lesson in executed[: len(to_run)]:
            results[lesson.path] = lesson
        for source, second in zip(again, executed[len(to_run) :]):
            first = results[source.path]
            if first.ok and second.ok:
                different = compare_runs(first.notebook, second.notebook, source.name, source.unit)
            else:  # a problem that only the second run had is a flaky lesson: report it too
                seen = {str(problem) for problem in first.problems}
                different = [problem for problem in second.problems if str(problem) not in seen]
            first.problems.extend(different)
            if different and first.from_cache:
                _forget(source)
        for source in to_run:
            if source.path not in stored:
                _store(source, results[source.path], environment)
    return [results[source.path] for source in sources]


def _done_line(source: Source, lesson: ExecutedLesson, what: str) -> str:
    if lesson.ok:
        return f"  {source.name} {what} in {lesson.seconds:.1f} s"
    count = len(lesson.problems)
    return f"  {source.name} {what} in {lesson.seconds:.1f} s, with {count} problem{'s' if count != 1 else ''}"


# --- the Python blocks of docs/ -------------------------------------------------------------------

# ```python, and ```python exec="on" ... (a block markdown-exec runs as the page is built).
PYTHON_FENCE = re.compile(r"^(?P<indent>[ \t]*)```python(?:[ \t][^\n]*)?\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)


def python_blocks(markdown: str) -> list[str]:
    """The ```python blocks of a Markdown page, dedented (blocks inside admonitions are indented)."""
    return [textwrap.dedent(match["body"]) for match in PYTHON_FENCE.finditer(markdown)]


def docs_pages() -> list[Path]:
    """The pages of docs/ that have Python blocks to run."""
    return [page for page in sorted(DOCS_DIR.rglob("*.md")) if python_blocks(page.read_text())]


def blocks_notebook(page: Path) -> nbformat.NotebookNode:
    """A page's Python blocks as a notebook, one code cell per block, to run in one kernel in order."""
    cells = [
        nbformat.v4.new_code_cell(block, id=f"block-{number}")
        for number, block in enumerate(python_blocks(page.read_text()), start=1)
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec})


def execute_docs(
    pages: list[Path] | None = None,
    jobs: int | None = None,
    timeout: int = CELL_TIMEOUT_SECONDS,
    determinism: bool | None = None,
) -> list[ExecutedLesson]:
    """Run the Python blocks of each page under the lessons' checks; cached by the blocks alone,
    so editing a page's prose runs nothing."""
    pages = docs_pages() if pages is None else list(pages)
    environment = environment_fingerprint()
    sources = []
    for page in pages:
        notebook = blocks_notebook(page)
        digest = hashlib.sha256(environment)
        digest.update(nbformat.writes(notebook).encode())
        name = page.relative_to(REPO).as_posix() if page.is_relative_to(REPO) else page.name
        sources.append(
            Source(
                path=page,
                name=name,
                unit="Python block",
                cache_file=DOCS_CACHE_DIR / digest.hexdigest()[:32] / f"{page.stem}.ipynb",
                notebook=lambda notebook=notebook: notebook,
                is_lesson=False,
                script_like=True,
            )
        )
    return _execute_all(sources, environment, jobs, timeout, determinism)
