"""Pyodide (Python compiled to WebAssembly) in the site, for the shape calculator; the hook calls it.

The calculator runs pasted model code with Python in the browser (docs/javascripts/calculator-python.js),
against a shape-only stand-in for torch (docs/javascripts/shape_torch.py). Pyodide comes from
node_modules/ (pinned in package.json, installed by `make`'s `npm ci`) and is copied into the site at
`pyodide/`, so that it works offline. Only the calculator page loads it, and only when a paste needs it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "node_modules" / "pyodide"
PREFIX = "pyodide"
# What loadPyodide() fetches for the interpreter alone (no packages).
FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]


def pyodide_files() -> list[tuple[str, Path]]:
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]["pyodide"]
    if not (SOURCE / "package.json").exists():
        raise PluginError("pyodide is missing from node_modules/: run `npm ci` (`make build` does it first)")
    version = json.loads((SOURCE / "package.json").read_text())["version"]
    if version != pinned:
        raise PluginError(f"node_modules/pyodide is version {version}, package.json pins {pinned}: run `npm ci`")
    return [(f"{PREFIX}/{name}", SOURCE / name) for name in FILES]


def add_pyodide(files, config) -> None:
    for src_uri, path in pyodide_files():
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))


# The counts on the calculator's page, computed at every build from tests/calculator_models/: each
# real model run by the calculator's Python (shape_torch.py, as the page runs it) and compared with
# torch's answer (tests/calculator_torch_answers.json, which the tests check is still torch's).
COUNTS_MARK = "<!-- real-model-counts -->"


def real_model_counts() -> str:
    sys.path.insert(0, str(REPO / "tests"))
    try:
        import calculator_truth
    finally:
        sys.path.remove(str(REPO / "tests"))
    found = calculator_truth.counts(calculator_truth.verdicts())
    total = sum(found.values())
    return (
        f"Checked against torch on **{total} real models** (written after PyTorch's tutorials and examples, model "
        f"zoos, and code posted with this error; the test suite runs each in the browser too): right on **{found['right']}**, "
        f"stopped at a line it names on **{found['refused']}**, wrong on **{found['wrong']}**. "
        "Right means the same output shape as torch, or torch's own error at the same line."
    )


def fill_counts(markdown: str) -> str:
    if COUNTS_MARK in markdown:
        markdown = markdown.replace(COUNTS_MARK, real_model_counts())
    return markdown
