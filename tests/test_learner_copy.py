"""The learner's copy, the notebook each lesson page offers for download (lesson_runner/learner_copy.py):
its exercises left to do, and still a notebook that runs from top to bottom.

The built copies are read from the site the build wrote, and each is executed with nbclient in a
kernel of this venv, in an empty folder: only the cells tagged `raises-exception` may raise, and
each raises exactly its expected error.
"""

from __future__ import annotations

import copy

import nbformat
import pytest

import lesson_runner
from lesson_runner.learner_copy import ANSWER_ID_SUFFIX, HIDDEN, is_solution, learner_copy

SLUGS = [path.stem for path in lesson_runner.lesson_paths()]


def built_copy(site, slug) -> nbformat.NotebookNode:
    return nbformat.read(site / "lessons" / slug / f"{slug}.ipynb", as_version=4)


def without_the_learners_changes(notebook):
    """The copy with its answer cells taken out and the solutions shown again."""
    made = copy.deepcopy(notebook)
    made.cells = [cell for cell in made.cells if not cell.get("id", "").endswith(ANSWER_ID_SUFFIX)]
    for cell in made.cells:
        if is_solution(cell):
            del cell.metadata["jupyter"]
    return made


def test_learner_copy_of_lesson_1_hides_both_solutions_after_empty_cells():
    source = nbformat.read(lesson_runner.LESSONS_DIR / "01-reproduce-the-error.ipynb", as_version=4)
    made = learner_copy(source)
    assert len(made.cells) == len(source.cells) + 2
    solutions = [number for number, cell in enumerate(made.cells) if is_solution(cell)]
    assert len(solutions) == 2
    for number in solutions:
        answer = made.cells[number - 1]
        assert (answer.cell_type, answer.source, answer.outputs, answer.metadata) == ("code", "", [], {})
        assert made.cells[number].metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert not any("jupyter" in cell.metadata for cell in source.cells), "learner_copy changed its argument"
    nbformat.validate(made)


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_built_download_has_an_empty_answer_cell_before_each_hidden_solution(built_site, slug):
    made = built_copy(built_site, slug)
    source = nbformat.read(lesson_runner.LESSONS_DIR / f"{slug}.ipynb", as_version=4)
    solutions = [number for number, cell in enumerate(made.cells) if is_solution(cell)]
    assert len(solutions) == sum(is_solution(cell) for cell in source.cells) >= 2, (
        f"{slug}: the download has {len(solutions)} solution cells"
    )
    for number in solutions:
        label = f"{slug}.ipynb (learner's copy), cell {number + 1} ({lesson_runner.first_line(made.cells[number])!r})"
        before = made.cells[number - 1]
        assert before.cell_type == "code" and before.source == "" and not is_solution(before), (
            f"{label}: the cell before this solution is not an empty code cell to answer in"
        )
        for key, value in HIDDEN.items():
            assert made.cells[number].metadata.get("jupyter", {}).get(key) is value, (
                f"{label}: jupyter.{key} is not true"
            )
    assert not any(cell.get("outputs") for cell in made.cells), f"{slug}: the download carries outputs"
    assert without_the_learners_changes(made) == source, f"{slug}: the download differs from the lesson elsewhere"


@pytest.mark.site
def test_every_built_download_runs_from_top_to_bottom(built_site):
    """Executed by lesson_runner as the lessons are (nbclient, forked kernels, the audit hook), and
    cached by their code like them: the answer cells make their code differ from the lessons'.
    Only the cells tagged raises-exception may raise, each exactly its expected error."""
    copies = [built_site / "lessons" / slug / f"{slug}.ipynb" for slug in SLUGS]
    executed = lesson_runner.execute_lessons(copies)
    problems = [f"learner's copy {problem}" for made in executed for problem in made.problems]
    assert not problems, "\n".join(problems)
    for made in executed:
        check_errors(made.notebook, made.path.stem)


def check_errors(executed, slug) -> None:
    """Each cell tagged raises-exception raised its expected error, and no other cell raised."""
    for number, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        errors = [output for output in cell.outputs if output.output_type == "error"]
        expected = cell.metadata.get("expected_error")
        label = f"{slug}.ipynb (learner's copy), cell {number + 1} ({lesson_runner.first_line(cell)!r})"
        if expected:
            assert [(error.ename, error.evalue) for error in errors] == [(expected["ename"], expected["evalue"])], label
        else:
            assert not errors, f"{label} raised {errors[0].ename}: {errors[0].evalue}"
