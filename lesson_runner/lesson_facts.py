"""What a lesson says about itself, read from its notebook.

The guide, the schedule and the decks take every number and list from here, so nothing an
instructor sees is typed twice. A lesson provides:

- a `#` title in its first cell; `## You will learn`, `## Prerequisites` and `## Key points`
  sections of `- ` bullets; `## Exercises` with `### Exercise N: title` headings and solution
  cells tagged `solution`;
- notebook metadata `lesson: {teaching_minutes, exercise_minutes, misconceptions}`, where each
  misconception is `{"belief": ..., "correction": ..., "cell": "<id of the cell that addresses it>"}`;
- speaker notes: markdown cells with `slideshow.slide_type: notes` (no headings in them: they are
  not on the reader's page, so they must not be in its table of contents either).

A lesson that lacks one of these is reported with a sentence naming the lesson and what is missing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

SOLUTION_TAG = "solution"
RAISES_TAG = "raises-exception"
# A cell that belongs on the slides only: the hook removes it from the reader's page.
SLIDES_ONLY_TAG = "slides-only"
# Code the instructor does not type: it comes ready, pasted from the lesson page or the lesson's
# notebook. Drawing helpers always; other support code (a long check, a plot) tagged so.
DRAWING_TAG = "drawing-code"
SUPPORT_TAG = "support-code"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EXERCISE = re.compile(r"^Exercise\s+(\d+)\s*:\s*(.+)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
# `torch.manual_seed(0)` echoes `<torch._C.Generator at 0x...>`: nothing to tell learners about.
_OBJECT_REPR = re.compile(r"^<[^<>]* at 0x[0-9a-f]+>$")
# What the script says a drawn picture shows.
PICTURE = "(a picture: the one on the lesson page)"


class LessonFactsError(Exception):
    """Raised with one sentence per problem, each naming the lesson."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Exercise:
    number: int
    title: str
    prompt: str
    solutions: int = 0


@dataclass
class Misconception:
    belief: str
    correction: str
    cell_id: str
    section: str  # the `##` heading of the section that contains the cell


@dataclass
class Step:
    """One step of the live-coding script, in the lesson's order."""

    kind: str  # "section", "say", "type" or "paste" (code that comes ready: `is_typed`)
    text: str  # the heading, the speaker notes, or the code
    expect: str = ""  # for "type" and "paste": what the executed cell showed
    expect_format: str = "text"  # "text", "markdown" (a computed table) or "error"
    lines: int = 0  # for "type" and "paste": lines of code, as the pace counts them


@dataclass
class LessonFacts:
    path: Path
    title: str
    teaching_minutes: int
    exercise_minutes: int
    objectives: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)
    misconceptions: list[Misconception] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    notes_cells: int = 0
    workload: Workload | None = None

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def number(self) -> int:
        return int(self.path.name[:2])

    @property
    def total_minutes(self) -> int:
        return self.teaching_minutes + self.exercise_minutes


# The pace a lesson's stated minutes must allow (tests/test_lesson_timing.py holds every lesson to
# it, and the schedule states it): an instructor types this many lines of code a minute with the
# room typing along, discusses this many outputs a minute and presents this many words of prose,
# and learners write this many lines of a solution a minute. Code that comes ready (pasted:
# `is_typed`) costs no typing, only the discussion of what it shows; speaker notes do not count.
TYPED_LINES_PER_MINUTE = 8
OUTPUTS_DISCUSSED_PER_MINUTE = 2
PRESENTED_WORDS_PER_MINUTE = 150
SOLUTION_LINES_PER_MINUTE = 4
# What one session holds: cells on the reader's page (speaker notes, which only the decks and the
# guide show, do not count; `page_cells`).
MAX_CELLS = 45


@dataclass
class Workload:
    """What a lesson asks of its minutes, counted from its cells."""

    code_lines: int  # code the instructor types (`is_typed`), blank lines and comments left out
    words: int  # prose on the reader's page
    solution_lines: int
    outputs: int = 0  # code cells on the slides that show something (`shows_output`)

    @property
    def teaching_minutes(self) -> float:
        return (
            self.code_lines / TYPED_LINES_PER_MINUTE
            + self.outputs / OUTPUTS_DISCUSSED_PER_MINUTE
            + self.words / PRESENTED_WORDS_PER_MINUTE
        )

    @property
    def exercise_minutes(self) -> float:
        return self.solution_lines / SOLUTION_LINES_PER_MINUTE


def code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def _source(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def is_typed(cell) -> bool:
    """A code cell the instructor types with the room. The other code cells of the lesson body come
    ready and are pasted: drawing helpers (`drawing-code`), support code (`support-code`) and cells
    skipped on the slides (imports, set-up). Solutions are the learners' to write."""
    tags = cell.get("metadata", {}).get("tags", [])
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return cell["cell_type"] == "code" and not {SOLUTION_TAG, DRAWING_TAG, SUPPORT_TAG} & set(tags) and kind != "skip"


# Calls that put something under a cell even when they are not its last line.
_SHOWING_CALLS = {"print", "display", "Markdown", "summary", "show", "imshow"}


def _parsed(cell):
    try:
        return ast.parse(_source(cell))
    except SyntaxError:
        return None


def _called_names(nodes):
    """The names called by these statements, outside the bodies of the functions and classes they define."""
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Call):
            yield node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def showing_functions(cell, known=frozenset()) -> set[str]:
    """The functions and classes a code cell defines whose code shows something when called (print,
    draw...): calling a model whose `forward` prints shows what it prints."""
    found = set()
    tree = _parsed(cell)
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            called = {
                getattr(call.func, "id", None) or getattr(call.func, "attr", "")
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
            }
            if called & (_SHOWING_CALLS | known | found):
                found.add(node.name)
    return found


def shows_output(cell, showing=frozenset()) -> bool:
    """Whether a code cell on the slides shows something to discuss (read from its code, so that a
    committed notebook without outputs can be timed): an error on purpose, a last bare expression,
    a call that prints, draws or displays (`showing`: the lesson's own functions that do, from
    `showing_functions`). tests/test_lesson_timing.py checks it against the executed lessons."""
    tags = cell.get("metadata", {}).get("tags", [])
    if cell["cell_type"] != "code" or SOLUTION_TAG in tags or DRAWING_TAG in tags:
        return False
    if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "skip":
        return False
    if RAISES_TAG in tags:
        return True
    tree = _parsed(cell)
    if tree is None:
        return True  # a cell Python cannot read (an IPython magic) shows what it does
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not _source(cell).rstrip().endswith(";"):
        return True
    return any(
        name in _SHOWING_CALLS or name in showing or name.startswith("draw_") for name in _called_names(tree.body)
    )


def workload(notebook) -> Workload:
    """Count a notebook (nbformat or plain JSON cells) the way the pace above reads it."""
    code = words = solutions = outputs = 0
    showing: set[str] = set()  # the lesson's functions that print or draw
    for cell in notebook["cells"]:
        source = _source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if cell["cell_type"] == "markdown":
            if kind != "notes" and SLIDES_ONLY_TAG not in tags:
                words += len(source.split())
        elif cell["cell_type"] == "code":
            if SOLUTION_TAG in tags:
                solutions += code_lines(source)
            elif is_typed(cell):
                code += code_lines(source)
            showing |= showing_functions(cell, showing)
            outputs += shows_output(cell, showing)
    return Workload(code, words, solutions, outputs)


def pace_sentence() -> str:
    return (
        f"The minutes assume an instructor types about {TYPED_LINES_PER_MINUTE} lines of code a minute with "
        f"the room typing along (code that comes ready is pasted, not typed), discusses about "
        f"{OUTPUTS_DISCUSSED_PER_MINUTE} outputs a minute and presents about {PRESENTED_WORDS_PER_MINUTE} words "
        f"of prose a minute (speaker notes not counted), and that learners write about "
        f"{SOLUTION_LINES_PER_MINUTE} lines of a solution a minute; the tests hold every lesson's stated minutes "
        "to that pace."
    )


def slide_type(cell) -> str | None:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type")


def is_notes(cell) -> bool:
    return slide_type(cell) == "notes"


def page_cells(notebook) -> int:
    """How many cells the reader's page shows: every cell but the speaker notes."""
    return sum(1 for cell in notebook["cells"] if not is_notes(cell))


def is_slides_only(cell) -> bool:
    return SLIDES_ONLY_TAG in cell.metadata.get("tags", [])


def first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else "(empty cell)"


def outside_fences(source: str):
    """The lines of a markdown cell that are not inside a ``` fence."""
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def expected_output(cell) -> tuple[str, str]:
    """What an executed code cell showed, short enough for a script: (text, format)."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}", "error"
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text.rstrip("\n"))
        elif output.output_type in {"execute_result", "display_data"}:
            if "text/markdown" in output.data:
                return output.data["text/markdown"], "markdown"
            if any(kind.startswith("image/") for kind in output.data):
                parts.append(PICTURE)  # its text/plain is only matplotlib's "<Figure size ...>"
                continue
            if "text/plain" in output.data and not _OBJECT_REPR.match(output.data["text/plain"]):
                parts.append(output.data["text/plain"])
    return "\n".join(parts), "text"


def read(path: Path, notebook) -> LessonFacts:
    """The facts of one lesson. `notebook` is the lesson itself or its executed copy (which adds
    the expected outputs to the live-coding steps)."""
    name = path.name
    problems: list[str] = []
    meta = notebook.metadata.get("lesson")
    minutes = {}
    for key in ("teaching_minutes", "exercise_minutes"):
        value = meta.get(key) if isinstance(meta, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                f"{name}: the notebook metadata needs lesson.{key}, a whole number of minutes above zero "
                f"(found {value!r})"
            )
        minutes[key] = value if isinstance(value, int) else 0

    title = ""
    first = notebook.cells[0] if notebook.cells else None
    if first is not None and first.cell_type == "markdown":
        match = _HEADING.match(first_line(first.source))
        if match and len(match[1]) == 1:
            title = match[2]
    if not title:
        problems.append(f"{name}: the first cell must be markdown starting with a '# ' title")

    facts = LessonFacts(path, title, minutes["teaching_minutes"], minutes["exercise_minutes"])
    lists = {"you will learn": facts.objectives, "prerequisites": facts.prerequisites, "key points": facts.key_points}
    section = ""
    section_of_cell: dict[str, str] = {}
    current_list: list[str] | None = None
    exercise: Exercise | None = None
    exercise_cells: list[tuple[Exercise, str]] = []  # each exercise, and where its heading is
    in_exercises = False
    for number, cell in enumerate(notebook.cells, start=1):
        where = f"{name}, cell {number} ({first_line(cell.source)!r})"
        if is_notes(cell):
            facts.notes_cells += 1
            for line in outside_fences(cell.source):
                if _HEADING.match(line):
                    problems.append(
                        f"{where}: speaker notes with a heading; notes are not on the reader's page, so they "
                        "must not add to its table of contents: take the '#' out"
                    )
                    break
            facts.steps.append(Step("say", cell.source.strip()))
            continue
        if cell.cell_type == "markdown":
            for line in outside_fences(cell.source):
                heading = _HEADING.match(line)
                if heading:
                    level, text = len(heading[1]), heading[2]
                    current_list = None
                    if level == 2:
                        section = text
                        in_exercises = text.lower() == "exercises"
                        current_list = lists.get(text.lower())
                        exercise = None
                        facts.steps.append(Step("section", text))
                    elif level == 3 and in_exercises:
                        numbered = _EXERCISE.match(text)
                        if numbered:
                            exercise = Exercise(int(numbered[1]), numbered[2], "")
                            facts.exercises.append(exercise)
                            exercise_cells.append((exercise, where))
                    continue
                bullet = _BULLET.match(line)
                if current_list is not None and bullet:
                    current_list.append(bullet[1].strip())
                elif current_list is not None and line.startswith("  ") and current_list and line.strip():
                    current_list[-1] += " " + line.strip()
                elif exercise is not None and not is_slides_only(cell):
                    exercise.prompt = (exercise.prompt + "\n" + line).strip("\n")
        elif cell.cell_type == "code":
            if SOLUTION_TAG in cell.metadata.get("tags", []):
                if exercise is None:
                    problems.append(
                        f"{where}: tagged 'solution' but follows no '### Exercise N: ...' heading; "
                        "put it after its exercise's heading"
                    )
                else:
                    exercise.solutions += 1
            else:
                expect, expect_format = expected_output(cell)
                kind = "type" if is_typed(cell) else "paste"
                lines = code_lines(cell.source)
                facts.steps.append(Step(kind, cell.source.strip(), expect, expect_format, lines))
        section_of_cell[cell.get("id")] = section

    for label, items in (
        ("## You will learn", facts.objectives),
        ("## Prerequisites", facts.prerequisites),
        ("## Key points", facts.key_points),
    ):
        if not items:
            problems.append(f"{name}: no '- ' bullets under '{label}'; write the section as a list of '- ' bullets")
    if not facts.exercises:
        problems.append(
            f"{name}: no '### Exercise N: title' heading under '## Exercises'; give each exercise that heading"
        )
    for exercise, where in exercise_cells:
        if exercise.solutions == 0:
            problems.append(
                f"{where}: Exercise {exercise.number} ({exercise.title!r}) has no code cell tagged 'solution'; "
                "put its solution in a code cell after it, tagged 'solution'"
            )
    numbers = [exercise.number for exercise in facts.exercises]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            f"{name}: exercises are numbered {numbers}, expected 1 to {len(numbers)} in order; number them 1, 2, ..."
        )

    raw = meta.get("misconceptions", []) if isinstance(meta, dict) else []
    if not isinstance(raw, list):
        problems.append(f"{name}: lesson.misconceptions must be a list of {{belief, correction, cell}}")
        raw = []
    for position, entry in enumerate(raw, start=1):
        keys = ("belief", "correction", "cell")
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) and entry[key].strip() for key in keys
        ):
            problems.append(
                f"{name}: lesson.misconceptions[{position}] needs non-empty 'belief', 'correction' and 'cell' strings"
            )
            continue
        if entry["cell"] not in section_of_cell:
            problems.append(
                f"{name}: lesson.misconceptions[{position}] names cell {entry['cell']!r}, which the lesson does not "
                "have; use the id of the cell that sets the belief right"
            )
            continue
        facts.misconceptions.append(
            Misconception(
                entry["belief"].strip(), entry["correction"].strip(), entry["cell"], section_of_cell[entry["cell"]]
            )
        )
    if problems:
        raise LessonFactsError(problems)
    facts.workload = workload(notebook)
    return facts


def read_all(lessons) -> list[LessonFacts]:
    """Facts of every (path, notebook) pair; every problem of every lesson in one error."""
    facts, problems = [], []
    for path, notebook in lessons:
        try:
            facts.append(read(path, notebook))
        except LessonFactsError as error:
            problems.extend(error.problems)
    if problems:
        raise LessonFactsError(problems)
    return facts
