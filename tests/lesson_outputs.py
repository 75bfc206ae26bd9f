"""Reading an executed lesson in tests: what a cell printed or drew, the cell that holds a marker,
the errors a lesson expects, and a committed lesson's prose."""

import base64
import json

import pytest

import lesson_runner


def cell_text(cell) -> str:
    """What one cell printed or displayed, as plain text (images left out)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(lesson_runner.ANSI.sub("", "\n".join(output.traceback)))
        else:
            parts.extend(str(value) for kind, value in output.get("data", {}).items() if kind.startswith("text/"))
    return "\n".join(parts)


def printed(cell) -> str:
    """What one code cell printed to stdout, without its traceback."""
    return "".join(output.text for output in cell.get("outputs", []) if output.output_type == "stream")


def find_cell(executed_lessons, name, marker):
    """The one executed code cell whose source holds `marker`, and a label naming it for failure messages."""
    notebook = executed_lessons[name].notebook
    found = [
        (number, cell)
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and marker in cell.source
    ]
    if len(found) != 1:
        pytest.fail(f"{name}: expected one code cell holding {marker!r}, found {len(found)}")
    number, cell = found[0]
    return cell, f"{name}, cell {number} ({lesson_runner.first_line(cell)!r})"


def expected_errors(notebook):
    return [
        (cell.metadata["expected_error"]["ename"], cell.metadata["expected_error"]["evalue"])
        for cell in notebook.cells
        if "expected_error" in cell.metadata
    ]


def images(cell) -> list[bytes]:
    return [
        base64.b64decode(output.data["image/png"]) for output in cell.outputs if "image/png" in output.get("data", {})
    ]


def prose(name) -> str:
    """Every markdown cell of the committed lesson, speaker notes included."""
    notebook = json.loads((lesson_runner.LESSONS_DIR / name).read_text())
    return "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")
