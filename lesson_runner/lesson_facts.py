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

import re
from dataclasses import dataclass, field
from pathlib import Path

SOLUTION_TAG = "solution"
RAISES_TAG = "raises-exception"
# A cell that belongs on the slides only: the hook removes it from the reader's page.
SLIDES_ONLY_TAG = "slides-only"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EXERCISE = re.compile(r"^Exercise\s+(\d+)\s*:\s*(.+)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
# `torch.manual_seed(0)` echoes `<torch._C.Generator at 0x...>`: nothing to tell learners about.
_OBJECT_REPR = re.compile(r"^<[^<>]* at 0x[0-9a-f]+>$")


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

    kind: str  # "section", "say" or "type"
    text: str  # the heading, the speaker notes, or the code
    expect: str = ""  # for "type": what the executed cell showed
    expect_format: str = "text"  # "text", "markdown" (a computed table) or "error"


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
# it, and the schedule states it): an instructor presents this many lines of code and words of prose
# a minute, and learners write this many lines of a solution a minute. Code that is not presented
# (folded drawing helpers, cells skipped on the slides) and speaker notes do not count.
PRESENTED_CODE_LINES_PER_MINUTE = 8
PRESENTED_WORDS_PER_MINUTE = 150
SOLUTION_LINES_PER_MINUTE = 4
MAX_CELLS = 45


@dataclass
class Workload:
    """What a lesson asks of its minutes, counted from its cells."""

    code_lines: int  # presented code, blank lines and comments left out
    words: int  # prose on the reader's page
    solution_lines: int

    @property
    def teaching_minutes(self) -> float:
        return self.code_lines / PRESENTED_CODE_LINES_PER_MINUTE + self.words / PRESENTED_WORDS_PER_MINUTE

    @property
    def exercise_minutes(self) -> float:
        return self.solution_lines / SOLUTION_LINES_PER_MINUTE


def _code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def workload(notebook) -> Workload:
    """Count a notebook (nbformat or plain JSON cells) the way the pace above reads it."""
    code = words = solutions = 0
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        tags = cell.get("metadata", {}).get("tags", [])
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        if cell["cell_type"] == "markdown":
            if kind != "notes" and SLIDES_ONLY_TAG not in tags:
                words += len(source.split())
        elif cell["cell_type"] == "code":
            if SOLUTION_TAG in tags:
                solutions += _code_lines(source)
            elif "drawing-code" not in tags and kind != "skip":
                code += _code_lines(source)
    return Workload(code, words, solutions)


def pace_sentence() -> str:
    return (
        f"The minutes assume an instructor presents about {PRESENTED_CODE_LINES_PER_MINUTE} lines of code "
        f"and {PRESENTED_WORDS_PER_MINUTE} words of prose a minute (folded drawing code and speaker notes "
        f"not counted), and that learners write about {SOLUTION_LINES_PER_MINUTE} lines of a solution a "
        "minute; the tests hold every lesson's stated minutes to that pace."
    )


def slide_type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


def is_notes(cell) -> bool:
    return slide_type(cell) == "notes"


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
                facts.steps.append(Step("type", cell.source.strip(), expect, expect_format))
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
