"""The learner's copy of a lesson: the notebook a lesson page offers for download, made from
lessons/NN-slug.ipynb at build (a notebook in, a notebook out).

It is the lesson as committed (no outputs), with its exercises left to do: before each solution
cell (tagged `solution`, see CONTRIBUTING.md) an empty code cell to answer in, and the solution
itself hidden with JupyterLab's own cell metadata (`jupyter.source_hidden`, `jupyter.outputs_hidden`),
so the learner tries first and reveals it with one click. Hidden cells still run: Run All runs
everything, the answer cells included (an empty cell does nothing).

    python -m lesson_runner.learner_copy lessons/01-reproduce-the-error.ipynb copy.ipynb
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
ANSWER_ID_SUFFIX = "-answer"
HIDDEN = {"source_hidden": True, "outputs_hidden": True}


def learner_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with an empty answer cell before each solution cell, and the solution hidden."""
    made = copy.deepcopy(notebook)
    cells = []
    for cell in made.cells:
        if is_solution(cell):
            answer = nbformat.v4.new_code_cell(source="")
            if "id" in cell:
                answer.id = cell.id + ANSWER_ID_SUFFIX
            cells.append(answer)
            cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}), **HIDDEN}
        cells.append(cell)
    made.cells = cells
    return made


def is_solution(cell) -> bool:
    return cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", [])


def write_learner_copy(source: Path, target: Path) -> None:
    """lessons/NN-slug.ipynb -> its learner's copy at `target`."""
    notebook = nbformat.read(source, as_version=4)
    nbformat.write(learner_copy(notebook), target)


if __name__ == "__main__":
    write_learner_copy(Path(sys.argv[1]), Path(sys.argv[2]))
