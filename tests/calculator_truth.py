"""What torch itself does with each real model of tests/calculator_models/: the shape it outputs, or
the exception it raises and the line of the model file it raises at.

Each model file says in its header where it comes from and the shape of its input:
    # source: ...
    # input: 2, 1, 28, 28
The file is executed with real torch, its model chosen as the shape calculator chooses it (a module
built at the top of the file, else the last nn.Module class no other class uses, built with no
arguments), and given a zero tensor of that shape.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "javascripts"))  # shape_torch
MODELS = Path(__file__).resolve().parent / "calculator_models"


def model_files() -> list[Path]:
    return sorted(MODELS.glob("*.py"))


def header(path: Path) -> tuple[str, list[int]]:
    text = path.read_text()
    source = re.search(r"^# (?:source|modelled on): (.+)$", text, re.M)
    shape = re.search(r"^# input: ([\d, ]+)$", text, re.M)
    assert source and shape, f"{path.name}: the header must give '# modelled on:' (or '# source:') and '# input:'"
    return source.group(1), [int(size) for size in shape.group(1).split(",")]


def _last_line_in(error: BaseException, filename: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def torch_answer(path: Path) -> dict:
    """{"output": [...]} or {"error": {"type", "message", "line"}}: what torch does."""
    import torch

    text = path.read_text()
    _, shape = header(path)
    filename = str(path)
    namespace = {"__name__": "__main__"}
    torch.manual_seed(0)
    try:
        tree = ast.parse(text)
        exec(compile(text, filename, "exec"), namespace)
        model = _choose(tree, namespace)
        with torch.no_grad():
            output = model(torch.zeros(*shape))
    except SyntaxError as error:
        return {"error": {"type": type(error).__name__, "message": error.msg, "line": error.lineno}}
    except Exception as error:  # noqa: BLE001 (torch's refusal is the answer)
        return {"error": {"type": type(error).__name__, "message": str(error), "line": _last_line_in(error, filename)}}
    if isinstance(output, (tuple, list)):
        output = output[0]
    return {"output": list(output.shape)}


def _choose(tree, namespace):
    from torch import nn

    assigned = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(namespace.get(target.id), nn.Module)
    ]
    if assigned:
        preferred = [name for name in assigned if name.lower() in ("model", "net", "network", "cnn")]
        return namespace[(preferred or assigned)[-1]]
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    modules = [
        node
        for node in classes
        if isinstance(namespace.get(node.name), type) and issubclass(namespace[node.name], nn.Module)
    ]
    used = {
        inner.id
        for node in modules
        for inner in ast.walk(node)
        if isinstance(inner, ast.Name) and inner.id != node.name
    }
    roots = [node for node in modules if node.name not in used] or modules
    if roots:
        return namespace[roots[-1].name]()
    layers = [namespace_eval(node, namespace) for node in tree.body if isinstance(node, ast.Expr)]
    return nn.Sequential(*[layer for layer in layers if isinstance(layer, nn.Module)])


def namespace_eval(node, namespace):
    return eval(compile(ast.Expression(node.value), "<layers>", "eval"), namespace)


def verdict(truth: dict, answer: dict) -> str:
    """right / refused / wrong, for the calculator's `answer` (shape_torch.run's dict) against torch."""
    error = answer.get("error")
    if error and error.get("stage") in ("read",) and error.get("line"):
        return "refused"
    if "output" in truth:
        if error is None and answer.get("output") == truth["output"]:
            return "right"
        return "wrong"
    expected = truth["error"]
    if expected["type"] in ("SyntaxError", "IndentationError"):
        # Python's own words for a syntax error vary between versions (the browser's Python is newer):
        # the kind of error and its line must agree.
        same = error and error.get("stage") == "syntax" and error.get("line") == expected["line"]
        return "right" if same else "wrong"
    if (
        error
        and error.get("stage") in ("run", "build", "syntax")
        and error.get("type") == expected["type"]
        and error.get("message") == expected["message"]
        and error.get("line") == expected["line"]
    ):
        return "right"
    return "wrong"


ANSWERS = Path(__file__).resolve().parent / "calculator_torch_answers.json"


def stored_answers() -> dict:
    """torch's answers as last computed (test_calculator_real.py checks they are still torch's)."""
    return json.loads(ANSWERS.read_text())


def calculator_answer(path: Path) -> dict:
    """What the calculator's Python (shape_torch.run, the code the page runs) answers for a model."""
    import shape_torch

    _, shape = header(path)
    return shape_torch.run(path.read_text(), shape)


def verdicts(answers: dict | None = None) -> dict[str, str]:
    """right / refused / wrong for every real model: the calculator's answer against torch's."""
    answers = stored_answers() if answers is None else answers
    return {path.name: verdict(answers[path.name], calculator_answer(path)) for path in model_files()}


def counts(found: dict[str, str]) -> dict[str, int]:
    return {kind: sum(1 for value in found.values() if value == kind) for kind in ("right", "refused", "wrong")}


if __name__ == "__main__":
    # python tests/calculator_truth.py --write: torch's answers, after a model is added or changed.
    import sys

    if "--write" in sys.argv:
        ANSWERS.write_text(
            json.dumps({path.name: torch_answer(path) for path in model_files()}, indent=1, sort_keys=True) + "\n"
        )
