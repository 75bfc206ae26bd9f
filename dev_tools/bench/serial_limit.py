"""The serial limit: every lesson's code cells as one plain Python script, one lesson after another."""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat

from dev_tools.bench.common import median, timed


def lesson_as_script(path: Path) -> str:
    """The lesson's code cells, in order, as one plain script. A cell that raises on purpose is
    wrapped so the script goes on, as the notebook does."""
    parts = ["import matplotlib\nmatplotlib.use('Agg')\n" if "matplotlib" in path.read_text() else ""]
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        code = compile(cell.source, f"{path.name}, cell {number}", "exec")  # a syntax error stops here
        del code
        if "raises-exception" in cell.metadata.get("tags", []):
            parts.append(
                f"try:\n    exec(compile({cell.source!r}, 'cell {number}', 'exec'))\nexcept Exception:\n    pass\n"
            )
        else:
            parts.append(cell.source + "\n")
    return "\n".join(parts)


def serial_limit(copy: Path, runs: int) -> dict:
    lessons = sorted((copy / "lessons").glob("[0-9][0-9]-*.ipynb"))
    python = str(copy / ".venv" / "bin" / "python")
    totals, per_lesson = [], {lesson.name: [] for lesson in lessons}
    with tempfile.TemporaryDirectory(prefix="bench-scripts-") as scripts:
        for lesson in lessons:
            (Path(scripts) / (lesson.stem + ".py")).write_text(lesson_as_script(lesson))
        for _ in range(runs):
            total = 0.0
            for lesson in lessons:
                with tempfile.TemporaryDirectory(prefix="bench-lesson-") as workdir:
                    took, _ = timed([python, str(Path(scripts) / (lesson.stem + ".py"))], Path(workdir))
                per_lesson[lesson.name].append(took)
                total += took
            totals.append(total)
    return {"seconds": totals, "per_lesson": {name: median(values) for name, values in per_lesson.items()}}
