"""Every lesson fits the minutes it states, at the pace the schedule states, and stays short."""

import html
import json

import nbformat
import pytest

import lesson_runner
from lesson_runner import lesson_facts

LESSONS = [path.name for path in lesson_runner.lesson_paths()]


def read(name):
    return json.loads((lesson_runner.LESSONS_DIR / name).read_text())


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_fits_its_teaching_minutes(name):
    notebook = read(name)
    stated = notebook["metadata"]["lesson"]["teaching_minutes"]
    load = lesson_facts.workload(notebook)
    assert load.teaching_minutes <= stated, (
        f"{name}: {load.code_lines} lines to type, {load.outputs} outputs to discuss and {load.words} words of prose need "
        f"{load.teaching_minutes:.1f} minutes at the stated pace, and the lesson states {stated}: "
        "trim it, tag long support code 'support-code' (pasted, not typed), or give it more teaching_minutes"
    )


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_fits_its_exercise_minutes(name):
    notebook = read(name)
    stated = notebook["metadata"]["lesson"]["exercise_minutes"]
    load = lesson_facts.workload(notebook)
    assert load.exercise_minutes <= stated, (
        f"{name}: {load.solution_lines} lines of solutions need {load.exercise_minutes:.1f} minutes at "
        f"the stated pace, and the lesson states {stated} exercise minutes"
    )


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_at_most_the_cells_a_session_holds(name):
    cells = lesson_facts.page_cells(read(name))
    assert cells <= lesson_facts.MAX_CELLS, (
        f"{name}: {cells} cells on the page; a lesson holds at most {lesson_facts.MAX_CELLS}: split it"
    )


def _cell(kind, source, tags=(), slide=None):
    metadata = {"tags": list(tags)}
    if slide:
        metadata["slideshow"] = {"slide_type": slide}
    return {"cell_type": kind, "source": source, "metadata": metadata}


def test_the_pace_counts_what_is_typed_and_shown():
    notebook = {
        "cells": [
            _cell("markdown", "three words here"),
            _cell("markdown", "notes are not on the page", slide="notes"),
            _cell("code", "import torch", slide="skip"),  # set-up: pasted
            _cell("code", "x = 1\n\n# a comment\ny = 2"),  # typed, shows nothing
            _cell("code", "def draw_it():\n    print('drawn')", tags=["drawing-code"], slide="skip"),
            _cell("code", "draw_it()"),  # typed, shows the picture
            _cell("code", "for n in range(3):\n    print(n)", tags=["support-code"]),  # pasted, shows
            _cell("code", "x + y"),  # typed, shows its value
            _cell("code", "x.view(-1)", tags=["raises-exception"]),  # typed, shows the error
            _cell("code", "answer = 42", tags=["solution"]),
        ]
    }
    load = lesson_facts.workload(notebook)
    assert (load.code_lines, load.outputs, load.words, load.solution_lines) == (5, 4, 3, 1)
    typed = [cell["source"] for cell in notebook["cells"] if lesson_facts.is_typed(cell)]
    assert typed == ["x = 1\n\n# a comment\ny = 2", "draw_it()", "x + y", "x.view(-1)"]


@pytest.mark.parametrize("name", LESSONS)
def test_the_script_types_the_lines_the_pace_counts(name):
    """One definition: the live-coding script's Type steps are the lines the minutes are held to."""
    path = lesson_runner.LESSONS_DIR / name
    notebook = nbformat.read(path, as_version=4)
    facts = lesson_facts.read(path, notebook)
    typed = sum(step.lines for step in facts.steps if step.kind == "type")
    assert typed == lesson_facts.workload(notebook).code_lines == facts.workload.code_lines, name
    drawing = [step.text for step in facts.steps if "def draw_" in step.text]
    assert all(step.kind == "paste" for step in facts.steps if step.text in drawing), (
        f"{name}: the live-coding script asks to type a drawing helper"
    )


@pytest.mark.lessons
@pytest.mark.parametrize("name", LESSONS)
def test_the_outputs_counted_are_the_outputs_shown(executed_lessons, name):
    """The pace reads from the code which cells show something; the executed lesson says which did."""
    notebook = executed_lessons[name].notebook
    showing = set()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        showing |= lesson_facts.showing_functions(cell, showing)
        counted = lesson_facts.shows_output(cell, showing)
        on_slides = lesson_facts.SOLUTION_TAG not in cell.metadata.get("tags", []) and (
            lesson_facts.DRAWING_TAG not in cell.metadata.get("tags", []) and lesson_facts.slide_type(cell) != "skip"
        )
        shown = on_slides and bool(lesson_facts.expected_output(cell)[0])
        assert counted == shown, (
            f"{name}, cell {number} ({cell.id}): the pace counts it as {'showing' if counted else 'silent'}, "
            f"and when executed it {'showed' if shown else 'showed nothing'}"
        )


def test_the_schedule_states_the_pace(built_site):
    page = html.unescape((built_site / "instructors" / "index.html").read_text())
    assert lesson_facts.pace_sentence() in page, "instructors/index.html does not state the pace the tests hold"


@pytest.mark.parametrize("name", LESSONS)
def test_each_guide_page_states_its_fit(built_site, name):
    notebook = read(name)
    load = lesson_facts.workload(notebook)
    stated = notebook["metadata"]["lesson"]["teaching_minutes"]
    page = html.unescape((built_site / "instructors" / name.removesuffix(".ipynb") / "index.html").read_text())
    sentence = (
        f"This lesson has {load.code_lines} lines to type, {load.outputs} outputs to discuss and {load.words} "
        f"words of prose: {load.teaching_minutes:.1f} minutes at"
    )
    assert sentence in page and f"within its {stated} min of teaching" in page, (
        f"instructors/{name.removesuffix('.ipynb')}/ does not state what the lesson asks of its minutes"
    )
