"""MkDocs hook: Pyodide (Python compiled to WebAssembly) in the site, for the shape calculator.

The calculator runs pasted model code with Python in the browser (docs/javascripts/calculator-python.js),
against a shape-only stand-in for torch (docs/javascripts/shape_torch.py). Pyodide comes from
node_modules/ (pinned in package.json, installed by `make`'s `npm ci`) and is copied into the site at
`pyodide/`, so that it works offline. Only the calculator page loads it, and only when a paste needs it.
"""

from __future__ import annotations

import json
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


def on_files(files, config):
    for src_uri, path in pyodide_files():
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files
