"""The lesson linter: every convention of CONTRIBUTING.md, checked on a lesson's committed JSON
before anything executes, every miss reported at once.

    python -m lesson_runner.lint                      # every lesson in lessons/, and mkdocs.yml's nav
    python -m lesson_runner.lint lessons/10-x.ipynb   # these lessons (and their places in the nav)

Each problem is one sentence: the lesson file, then, where one cell is at fault, its number
(counting every cell from 1) and its first line, then what is wrong and what to do. The
structure the instructor guide reads (title, sections, exercises, minutes, misconceptions, speaker
notes) is read by lesson_runner.lesson_facts, whose sentences are reported here as they are; the
rules about a cell meant to fail are lesson_runner.error_metadata_problem, which the harness applies
again after the run.

This module knows nothing of MkDocs: the site's navigation comes in as plain (label, path) pairs
(`nav_entries` flattens the `nav:` list of mkdocs.yml, which only the command line reads).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat

import lesson_runner
from lesson_runner import lesson_facts

NAME = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
TITLE = re.compile(r"^# (\d+)\. \S")
SECTIONS = ["## You will learn", "## Prerequisites", "## Exercises", "## Key points"]
DRAWING_TAG = "drawing-code"
RAISES_TAG = lesson_runner.RAISES_TAG
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "notes", "skip"}
DRAW_FUNCTION = re.compile(r"^def (draw_\w+)\s*\(", re.M)
REPOSITORY_IMPORT = re.compile(r"^\s*(?:from|import)\s+(lesson_runner|site_builder|dev_tools|authoring|tests)\b", re.M)
LESSON_TARGET = re.compile(r"^lessons/(\d\d-[^/]+)\.ipynb$")
GUIDE_TARGET = re.compile(r"^instructors/(\d\d-[^/]+)\.md$")


def lesson_files(folder: Path | None = None) -> list[Path]:
    """Every notebook in lessons/, misnamed ones too (lesson_runner.lesson_paths skips those)."""
    return sorted((folder or lesson_runner.LESSONS_DIR).glob("*.ipynb"))


def _where(name: str, number: int, cell) -> str:
    return f"{name}, cell {number} ({lesson_runner.first_line(cell)!r})"


def _tags(cell) -> list:
    return cell.metadata.get("tags", [])


def lint_notebook(path: Path, committed: bool = True) -> list[str]:
    """Every convention this lesson misses: what lesson_facts finds first, then the rest.
    `committed=False` leaves out the one rule of a commit, not of a lesson: outputs kept while it
    is being edited."""
    name = path.name
    try:
        notebook = nbformat.reader.reads(path.read_text())
    except (OSError, ValueError, nbformat.reader.NotJSONError, nbformat.ValidationError) as error:
        message = getattr(error, "message", str(error))
        return [f"{name}: is not a notebook that Jupyter can read ({message}); save it again from a notebook editor"]
    if notebook.get("nbformat") != 4 or not isinstance(notebook.get("cells"), list):
        return [f"{name}: is not an nbformat 4 notebook; save it again from a notebook editor"]
    # Read, not validated against the schema (a second per build): the little the rules below rely
    # on is checked here, so that a hand-edited file gets a sentence, not a traceback.
    for position, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") not in {"code", "markdown", "raw"} or not isinstance(cell.get("source"), str):
            return [f"{name}, cell {position}: is not a notebook cell; save the notebook again from a notebook editor"]
    named = NAME.match(name)
    problems = []
    if not named:
        problems.append(
            f"{name}: a lesson's file is named NN-slug.ipynb: two digits (its place in the order), a dash, "
            "lowercase words joined by '-' (05-fix-it.ipynb); rename it"
        )
    number = named[1] if named else None
    cells = notebook.cells
    try:
        lesson_facts.read(path, notebook)
    except lesson_facts.LessonFactsError as error:
        # A missing section is said once, as missing, not also as a section without its bullets.
        missing = [section for section in SECTIONS if section not in _headings(notebook)]
        problems += [problem for problem in error.problems if not any(f"under '{s}'" in problem for s in missing)]
    problems += _title(name, number, cells)
    problems += _sections(name, notebook)
    problems += _minutes(name, notebook)
    problems += _notes(name, cells)
    problems += _ids(name, number, notebook)
    problems += _slides(name, cells)
    problems += _drawings(name, cells)
    problems += _cells(name, cells, committed)
    return problems


def _title(name: str, number: str | None, cells) -> list[str]:
    """`# N. Title`, N the file's number (lesson_facts asks for the '# ' title itself)."""
    if number is None or not cells or cells[0].cell_type != "markdown":
        return []
    title = lesson_runner.first_line(cells[0])
    if not title.startswith("# "):
        return []  # lesson_facts has said so
    numbered = TITLE.match(title)
    if numbered and int(numbered[1]) == int(number):
        return []
    return [f"{_where(name, 1, cells[0])}: the title must read '# {int(number)}. Title', numbered as the file is"]


def _headings(notebook) -> list[str]:
    return [
        line.rstrip()
        for cell in notebook.cells
        if cell.cell_type == "markdown" and lesson_facts.slide_type(cell) != "notes"
        for line in lesson_facts.outside_fences(cell.source)
        if line.startswith("#")
    ]


def _sections(name: str, notebook) -> list[str]:
    problems = []
    headings = _headings(notebook)
    for section in SECTIONS:
        if section not in headings:
            problems.append(
                f"{name}: missing the section {section!r}; every lesson has "
                + ", ".join(repr(required) for required in SECTIONS[:-1])
                + f" and {SECTIONS[-1]!r}"
            )
    solutions = sum(cell.cell_type == "code" and lesson_facts.SOLUTION_TAG in _tags(cell) for cell in notebook.cells)
    if solutions < 2:
        problems.append(
            f"{name}: needs at least two exercises with executed solutions (found {solutions} code "
            f"cell{'' if solutions == 1 else 's'} tagged 'solution'); give each exercise a code cell tagged 'solution'"
        )
    return problems


def _notes(name: str, cells) -> list[str]:
    """Speaker notes in every section: the instructor has something to say at each `## ` heading
    that opens a cell (the title cell and its lists count as one section with the cells after it)."""
    problems = []
    opening, has_notes = None, True
    for number, cell in enumerate(cells, start=1):
        if lesson_facts.is_notes(cell):
            has_notes = True
        elif cell.cell_type == "markdown" and lesson_runner.first_line(cell).startswith("## "):
            if not has_notes:
                problems.append(_no_notes(name, *opening))
            opening, has_notes = (number, cell), False
    if opening is not None and not has_notes:
        problems.append(_no_notes(name, *opening))
    return problems


def _no_notes(name: str, number: int, cell) -> str:
    return (
        f"{_where(name, number, cell)}: this section has no speaker notes; add a markdown cell with "
        "slideshow.slide_type 'notes' (what to ask, draw or point at) before the next section"
    )


def _minutes(name: str, notebook) -> list[str]:
    """The stated minutes fit the pace, and the lesson fits a session (lesson_facts reads the pace)."""
    problems = []
    meta = notebook.metadata.get("lesson")
    meta = meta if isinstance(meta, dict) else {}
    load = lesson_facts.workload(notebook)
    teaching, exercise = meta.get("teaching_minutes"), meta.get("exercise_minutes")
    if _whole(teaching) and load.teaching_minutes > teaching:
        problems.append(
            f"{name}: {load.code_lines} lines to type, {load.outputs} outputs to discuss and {load.words} words of prose need "
            f"{load.teaching_minutes:.1f} minutes at the stated pace, and the lesson states {teaching}: "
            "trim it, tag long support code 'support-code' (pasted, not typed), or give it more teaching_minutes"
        )
    if _whole(exercise) and load.exercise_minutes > exercise:
        problems.append(
            f"{name}: {load.solution_lines} lines of solutions need {load.exercise_minutes:.1f} minutes at "
            f"the stated pace, and the lesson states {exercise} exercise minutes: shorten the solutions, "
            "or give it more exercise_minutes"
        )
    cells = lesson_facts.page_cells(notebook)
    if cells > lesson_facts.MAX_CELLS:
        problems.append(
            f"{name}: {cells} cells on the page (speaker notes not counted); a lesson holds at most "
            f"{lesson_facts.MAX_CELLS}: split it"
        )
    return problems


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _ids(name: str, number: str | None, notebook) -> list[str]:
    """Every cell has a chosen id, its own, in the lesson's numbering (NN-00, NN-01, NN-01-notes)."""
    if (notebook.nbformat, notebook.nbformat_minor) < (4, 5):
        return [
            f"{name}: saved as nbformat 4.{notebook.nbformat_minor}, whose cells have no ids; save it as "
            "nbformat 4.5 or later and give every cell an id in the lesson's numbering (NN-00, NN-01, ...)"
        ]
    problems = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(notebook.cells, start=1):
        cell_id = cell.get("id")
        where = _where(name, position, cell)
        if not isinstance(cell_id, str) or not cell_id:
            problems.append(f"{where}: has no id; give it one in the lesson's numbering ({number or 'NN'}-...)")
            continue
        if cell_id in seen:
            problems.append(f"{where}: its id {cell_id!r} is cell {seen[cell_id]}'s too; give it an id of its own")
        else:
            seen[cell_id] = position
        if number is not None and not cell_id.startswith(f"{number}-"):
            problems.append(
                f"{where}: its id {cell_id!r} is not in the lesson's numbering; ids start with "
                f"'{number}-' ({number}-00, {number}-01, ...), and a misconception names the new id"
            )
    return problems


def _slides(name: str, cells) -> list[str]:
    problems = []
    uses_slides = any(lesson_facts.slide_type(cell) is not None for cell in cells)
    for position, cell in enumerate(cells, start=1):
        kind = lesson_facts.slide_type(cell)
        if kind is not None and kind not in SLIDE_TYPES:
            problems.append(
                f"{_where(name, position, cell)}: slideshow.slide_type is {kind!r}; "
                f"use one of {', '.join(sorted(SLIDE_TYPES))}"
            )
        elif kind is None and uses_slides and cell.cell_type == "code":
            problems.append(
                f"{_where(name, position, cell)}: has no slideshow.slide_type, and the lesson's other cells have "
                "one; give it one ('subslide' for a slide of its own, 'fragment' or '-' to add it to the slide "
                "above, 'skip' to leave it off the slides)"
            )
    return problems


def _drawings(name: str, cells) -> list[str]:
    """A picture is drawn by a `draw_` function, defined in a cell tagged drawing-code (skipped on
    the slides) and called by a later cell; every lesson draws at least one."""
    problems = []
    drawing = False  # a cell that draws, or means to
    for position, cell in enumerate(cells, start=1):
        if cell.cell_type != "code":
            continue
        where = _where(name, position, cell)
        functions = DRAW_FUNCTION.findall(cell.source)
        drawing = drawing or bool(functions) or DRAWING_TAG in _tags(cell)
        if DRAWING_TAG not in _tags(cell):
            if functions:
                problems.append(
                    f"{where}: defines {functions[0]} but is not tagged {DRAWING_TAG!r}; tag it, with slide_type "
                    "'skip', so that it is folded on the page and off the slides"
                )
            continue
        kind = lesson_facts.slide_type(cell)
        if kind != "skip":
            problems.append(
                f"{where}: is tagged {DRAWING_TAG!r}, and its slideshow.slide_type is {kind!r}, not 'skip'; "
                "set it to 'skip': the slides show the picture, not the code that draws it"
            )
        if not functions:
            problems.append(
                f"{where}: is tagged {DRAWING_TAG!r} but defines no draw_ function; define 'def draw_...(...)' "
                "here and call it in the cell after"
            )
            continue
        later = "\n".join(after.source for after in cells[position:] if after.cell_type == "code")
        if not any(re.search(rf"\b{function}\s*\(", later) for function in functions):
            problems.append(
                f"{where}: defines {', '.join(functions)}, which no later cell calls; call it in the cell after, "
                "where the picture goes"
            )
    if not drawing:
        problems.append(
            f"{name}: draws no picture; every lesson draws at least one, from its own model: a cell tagged "
            f"{DRAWING_TAG!r} defining a draw_ function, and the cell after it calling that function"
        )
    return problems


def _cells(name: str, cells, committed: bool) -> list[str]:
    """Per cell: errors on purpose, standing alone, committed without outputs."""
    problems = []
    for position, cell in enumerate(cells, start=1):
        where = _where(name, position, cell)
        if cell.cell_type == "code":
            unpaired = lesson_runner.error_metadata_problem(cell)
            if unpaired and RAISES_TAG in _tags(cell):
                problems.append(f"{where}: {unpaired}, with its exact message")
            elif unpaired:
                problems.append(f"{where}: {unpaired}; add the tag if it is meant to fail, or remove the metadata")
        elif "expected_error" in cell.metadata or RAISES_TAG in _tags(cell):
            problems.append(f"{where}: a {cell.cell_type} cell cannot raise; move the tag and expected_error to code")
        if (
            "lesson_runner" in cell.source
            or "sys.path" in cell.source
            or (cell.cell_type == "code" and REPOSITORY_IMPORT.search(cell.source))
        ):
            problems.append(
                f"{where}: reaches into the repository (lesson_runner, sys.path or a package of the repository); "
                "a lesson stands alone, importing only what requirements.txt installs"
            )
        if committed and cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            what = "outputs" if cell.get("outputs") else "an execution count"
            problems.append(
                f"{where}: committed with {what}; clear them before committing: "
                f"`.venv/bin/nbstripout --keep-id lessons/{name}`"
            )
    return problems


# --- between lessons, and the navigation ------------------------------------------------------


def nav_entries(nav) -> list[tuple[str | None, str]]:
    """A `nav:` list (plain data, as YAML reads it) flattened into (label, path) pairs, in order."""
    entries: list[tuple[str | None, str]] = []

    def walk(items, label=None):
        if isinstance(items, str):
            entries.append((label, items))
        elif isinstance(items, list):
            for item in items:
                walk(item)
        elif isinstance(items, dict):
            for key, value in items.items():
                walk(value, key)

    walk(nav or [])
    return entries


def lint_lessons(
    paths: Iterable[Path],
    nav: list[tuple[str | None, str]] | None = None,
    committed: bool = True,
    folder: Path | None = None,
) -> list[str]:
    """Every lesson's own problems, then those between them (lint_between)."""
    paths = list(paths)
    problems = [problem for path in paths for problem in lint_notebook(path, committed)]
    return problems + lint_between(paths, nav, folder)


def lint_between(
    paths: list[Path], nav: list[tuple[str | None, str]] | None = None, folder: Path | None = None
) -> list[str]:
    """Two lessons with one number and, given the site's navigation as (label, path) pairs, each
    lesson's two entries in it (lint_nav)."""
    problems = []
    folder = folder or lesson_runner.LESSONS_DIR
    by_number: dict[str, Path] = {}
    for path in paths:
        named = NAME.match(path.name)
        if not named:
            continue
        if named[1] in by_number:
            problems.append(
                f"{path.name}: has the number {named[1]}, as {by_number[named[1]].name} does; each lesson has a "
                "number of its own: renumber one (its file, title, cell ids and both entries in the nav)"
            )
        else:
            by_number[named[1]] = path
    if nav is not None:
        problems += lint_nav([path for path in paths if path.parent == folder], nav, folder)
    return problems


def lint_nav(paths: list[Path], nav: list[tuple[str | None, str]], folder: Path | None = None) -> list[str]:
    """Each lesson in the nav twice, as lessons/NN-slug.ipynb and instructors/NN-slug.md, labelled
    with its number, in number order; no entry for a lesson that is not there."""
    problems = []
    existing = {path.stem for path in lesson_files(folder)}
    lessons = [(label, LESSON_TARGET.match(target)[1]) for label, target in nav if LESSON_TARGET.match(target)]
    guides = [GUIDE_TARGET.match(target)[1] for label, target in nav if GUIDE_TARGET.match(target)]
    listed = {slug for label, slug in lessons}
    for path in paths:
        slug, number = path.stem, int(path.name[:2]) if NAME.match(path.name) else None
        if number is None:
            continue
        if slug not in listed:
            problems.append(
                f"{path.name}: is not in mkdocs.yml's nav; add '- {number}. Title: lessons/{path.name}' under "
                "Lessons, in number order"
            )
        if slug not in guides:
            problems.append(
                f"{path.name}: its instructor page is not in mkdocs.yml's nav; add '- {number}. Title: "
                f"instructors/{slug}.md' under Instructor guide, in the lessons' order (the page is made at build)"
            )
    for label, slug in lessons:
        if slug not in existing:
            problems.append(
                f"mkdocs.yml: the nav lists lessons/{slug}.ipynb, which is not in lessons/; "
                "fix the entry's name or remove it"
            )
        elif not (label or "").startswith(f"{int(slug[:2])}. "):
            problems.append(
                f"mkdocs.yml: the nav's entry for lessons/{slug}.ipynb is labelled {label!r}; "
                f"start the label with the lesson's number, '{int(slug[:2])}. '"
            )
    for slug in guides:
        if slug not in existing:
            problems.append(
                f"mkdocs.yml: the nav lists instructors/{slug}.md, and there is no lessons/{slug}.ipynb to make "
                "it from; fix the entry's name or remove it"
            )
    order = [slug for label, slug in lessons if slug in existing]
    if order != sorted(order):
        problems.append(f"mkdocs.yml: the nav lists the lessons in the order {order}; list them in number order")
    guide_order = [slug for slug in guides if slug in existing and slug in listed]
    if guide_order != [slug for slug in order if slug in guides]:
        problems.append(
            f"mkdocs.yml: the nav lists the instructor pages in the order {guide_order}; "
            "list them in the lessons' order"
        )
    return problems


# --- the command -----------------------------------------------------------------------------


def _nav_of(config: Path) -> list[tuple[str | None, str]]:
    """The `nav:` of mkdocs.yml, read as YAML (its !!python tags ignored), flattened."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return nav_entries(yaml.load(config.read_text(), Loader=Loader).get("nav"))


def main(argv: list[str]) -> int:
    paths = [Path(argument).resolve() for argument in argv] or lesson_files()
    missing = [path for path in paths if not path.is_file()]
    if missing:
        print("\n".join(f"{path}: no such file" for path in missing), file=sys.stderr)
        return 2
    config = lesson_runner.REPO / "mkdocs.yml"
    problems = lint_lessons(paths, _nav_of(config) if config.is_file() else None)
    count = f"{len(paths)} lesson{'s' if len(paths) != 1 else ''}"
    if problems:
        print(f"{count} checked; these conventions are missed (CONTRIBUTING.md describes each):")
        print("\n".join(f"  - {problem}" for problem in problems))
        return 1
    print(f"{count} checked: every convention is kept.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
