"""Every torchsummary `summary()` call in the lessons says which device its dummy input goes to.

torchsummary's `summary(model, input_size, batch_size=-1, device="cuda")` builds its dummy batch on
the GPU whenever the machine has one, while a model built with `CNN()` stays on the CPU: on Colab or
a lab workstation the call fails with a device error before it reaches the lesson's point (lesson 11
shows the lines of torchsummary that do it). This machine has no GPU, so running the lessons cannot
catch a call that forgot; reading their code can. A cell that shows the default on purpose says so
on the call's line with the comment `# default device on purpose`.

`torchinfo.summary` is not checked: it picks the model's own device unless told otherwise.
"""

import ast
import json
import re
from typing import NamedTuple

import pytest

import lesson_runner

ON_PURPOSE = "# default device on purpose"
# The two names under which torchsummary's function can be reached.
TORCHSUMMARY_SUMMARY = {"torchsummary.summary", "torchsummary.torchsummary.summary"}
# summary(model, input_size, batch_size, device): the device is the fourth positional argument.
DEVICE_POSITION = 3
MAGIC = re.compile(r"^\s*[%!]")


def parse_cell(source: str) -> ast.Module:
    """The cell as Python; IPython's `%magic` and `!shell` lines become blank lines, so that the
    line numbers still match the cell."""
    return ast.parse("\n".join("" if MAGIC.match(line) else line for line in source.splitlines()))


def dotted_name(node: ast.expr) -> str | None:
    """`summary`, `torchsummary.summary`, `ts.torchsummary.summary`; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class Bindings:
    """What each name means at this point of the notebook, as far as imports tell."""

    def __init__(self):
        self.names: dict[str, str] = {}  # name in the notebook -> the full dotted name it stands for

    def learn(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.names[alias.asname] = alias.name
                else:  # `import a.b` binds `a`
                    top = alias.name.split(".")[0]
                    self.names[top] = top
        elif node.module and not node.level:
            for alias in node.names:
                self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, dotted: str) -> str:
        first, _, rest = dotted.partition(".")
        full = self.names.get(first, first if rest else "")
        return f"{full}.{rest}" if rest and full else full


def passes_a_device(call: ast.Call) -> bool:
    return any(keyword.arg == "device" for keyword in call.keywords) or len(call.args) > DEVICE_POSITION


class SummaryCall(NamedTuple):
    where: str  # the lesson, the cell's number and id, the call's line
    line: str
    names_its_device: bool


def summary_calls(notebook: dict, name: str) -> tuple[list[SummaryCall], list[str]]:
    """Every call of torchsummary's `summary()` in the notebook's code, in order, and a sentence for
    each code cell that could not be read as Python (the check cannot see into it)."""
    calls, unreadable = [], []
    bindings = Bindings()
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        where = f"{name}, cell {number} (id {cell.get('id', '?')})"
        try:
            tree = parse_cell(source)
        except SyntaxError as error:
            unreadable.append(f"{where}: cannot be read as Python ({error.msg}, line {error.lineno})")
            continue
        lines = source.splitlines()
        # Imports and calls in the order they run, so that a later import rebinds `summary`.
        nodes = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom | ast.Call)]
        for node in sorted(nodes, key=lambda node: (node.lineno, node.col_offset)):
            if not isinstance(node, ast.Call):
                bindings.learn(node)
                continue
            dotted = dotted_name(node.func)
            if dotted and bindings.resolve(dotted) in TORCHSUMMARY_SUMMARY:
                call_lines = lines[node.lineno - 1 : node.end_lineno]
                on_purpose = any(ON_PURPOSE in line for line in call_lines)
                calls.append(
                    SummaryCall(
                        f"{where}, line {node.lineno}", call_lines[0].strip(), passes_a_device(node) or on_purpose
                    )
                )
    return calls, unreadable


def calls_without_device(notebook: dict, name: str) -> list[str]:
    """One sentence per torchsummary `summary()` call that names no device and does not say it
    leaves the default on purpose, and one per cell the check cannot read."""
    calls, unreadable = summary_calls(notebook, name)
    return [
        f"{call.where}: `{call.line}` calls torchsummary's summary() without device=: it defaults to"
        ' "cuda" and fails on a machine with a GPU; pass device="cpu" (or the model\'s device), or end the'
        f" line with {ON_PURPOSE!r} if the cell shows the default"
        for call in calls
        if not call.names_its_device
    ] + unreadable


LESSONS = [path.name for path in lesson_runner.lesson_paths()]


def lesson(name: str) -> dict:
    return json.loads((lesson_runner.LESSONS_DIR / name).read_text())


@pytest.mark.parametrize("name", LESSONS)
def test_every_torchsummary_call_names_its_device(name):
    problems = calls_without_device(lesson(name), name)
    assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "name, count", [("01-reproduce-the-error.ipynb", 1), ("02-read-the-message.ipynb", 1), ("05-fix-it.ipynb", 1)]
)
def test_the_check_sees_the_core_lessons_calls(name, count):
    """The check passes trivially on a lesson it cannot see into: the core lessons' calls are found."""
    calls, unreadable = summary_calls(lesson(name), name)
    assert (len(calls), unreadable) == (count, []), f"{name}: found {calls}"


def code_cell(source: str, cell_id: str) -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "outputs": [], "source": source}


def test_a_call_without_a_device_is_named():
    """A broken fixture, in memory: each way of reaching torchsummary's summary() without a device
    is caught; the device given by name or position, torchinfo's summary, and the on-purpose comment
    pass."""
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "text", "metadata": {}, "source": "# A lesson"},
            code_cell("from torchsummary import summary\nimport torchinfo", "imports"),
            code_cell("summary(model, (1, 28, 28))", "bare"),
            code_cell('summary(model, (1, 28, 28), device="cpu")\nsummary(model, (1, 28, 28), -1, "cpu")', "given"),
            code_cell("summary(\n    model,\n    (1, 28, 28),\n)", "split-over-lines"),
            code_cell(f"summary(model, (1, 28, 28))  {ON_PURPOSE}", "on-purpose"),
            code_cell("torchinfo.summary(model, input_size=(2, 1, 28, 28))", "torchinfo"),
            code_cell("%matplotlib inline\nimport torchsummary as ts\n\nts.summary(model, (1, 28, 28))", "alias"),
            code_cell("import torchsummary.torchsummary\ntorchsummary.torchsummary.summary(model, (3,))", "module"),
            code_cell("from torchinfo import summary\nsummary(model, input_size=(2, 3))", "rebound"),
            code_cell("summary(model, (1, 28, 28)", "unreadable"),
        ]
    }
    problems = calls_without_device(notebook, "99-fixture.ipynb")
    located = [problem.split(": `")[0].split(": cannot")[0] for problem in problems]
    assert located == [
        "99-fixture.ipynb, cell 3 (id bare), line 1",
        "99-fixture.ipynb, cell 5 (id split-over-lines), line 1",
        "99-fixture.ipynb, cell 8 (id alias), line 4",
        "99-fixture.ipynb, cell 9 (id module), line 2",
        "99-fixture.ipynb, cell 11 (id unreadable)",
    ], "\n".join(problems)
    assert "`summary(model, (1, 28, 28))` calls torchsummary's summary() without device=" in problems[0]
    assert "`ts.summary(model, (1, 28, 28))`" in problems[2]
