"""Every lesson fits the minutes it states, at the pace the schedule states, and stays short."""

import html
import json

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
        f"{name}: {load.code_lines} lines of presented code and {load.words} words of prose need "
        f"{load.teaching_minutes:.1f} minutes at the stated pace, and the lesson states {stated}: "
        "trim it, fold support code into a drawing-code cell, or give it more teaching_minutes"
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
    cells = len(read(name)["cells"])
    assert cells <= lesson_facts.MAX_CELLS, (
        f"{name}: {cells} cells; a lesson holds at most {lesson_facts.MAX_CELLS}: split it"
    )


def test_the_pace_counts_what_is_presented_only():
    def cell(kind, source, tags=(), slide=None):
        metadata = {"tags": list(tags)}
        if slide:
            metadata["slideshow"] = {"slide_type": slide}
        return {"cell_type": kind, "source": source, "metadata": metadata}

    notebook = {
        "cells": [
            cell("markdown", "three words here"),
            cell("markdown", "notes are not on the page", slide="notes"),
            cell("code", "x = 1\n\n# a comment\ny = 2"),
            cell("code", "def draw_it():\n    pass", tags=["drawing-code"], slide="skip"),
            cell("code", "answer = 42", tags=["solution"]),
        ]
    }
    load = lesson_facts.workload(notebook)
    assert (load.code_lines, load.words, load.solution_lines) == (2, 3, 1)


def test_the_schedule_states_the_pace(built_site):
    page = html.unescape((built_site / "instructors" / "index.html").read_text())
    assert lesson_facts.pace_sentence() in page, "instructors/index.html does not state the pace the tests hold"
