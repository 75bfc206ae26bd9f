"""The one install line for a learner who downloads a lesson's notebook and nothing else: the
packages the lessons import, each pinned as requirements.txt pins it, and a Jupyter to run them.
Not requirements.txt itself, which installs the whole site's toolchain (MkDocs, Playwright...).

Computed, not typed: every import statement of the lessons' code cells (read with ast), the
distribution that provides each imported module in this environment (the standard library's
modules have none), kept if requirements.txt pins it; then the packages a lesson's package imports
without declaring them (pip would not bring them along), and JupyterLab. One line for every
lesson: a learner who goes on to the next lesson needs nothing more.

    python -m lesson_runner.install_line
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
from pathlib import Path

import nbformat

import lesson_runner

REQUIREMENTS = lesson_runner.REPO / "requirements.txt"
# Imported by these packages, not declared by them (see requirements.txt).
UNDECLARED = {"torchsummary": ["numpy"]}
# What opens the notebook and runs it: its kernel (ipykernel) and nbconvert come with it.
JUPYTER = "jupyterlab"
PIP = "python -m pip install"
# PyPI's torch for Linux is the CUDA build; PyTorch's own index has the CPU-only one.
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: str) -> dict[str, str]:
    """{normalized name: 'name==version'} for every `name==version` line, in the file's order."""
    found = {}
    for line in requirements.splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.split("#")[0].strip())
        if match:
            found[normalized(match.group(1))] = match.group(0)
    return found


def imported_modules(notebook) -> set[str]:
    """The top-level modules the notebook's code cells import (relative imports left out)."""
    modules = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def packages(notebooks, requirements: str) -> list[str]:
    """The pinned packages that the notebooks need, as `name==version`, in requirements.txt's order."""
    pinned = pins(requirements)
    providers = importlib.metadata.packages_distributions()
    needed = set()
    for notebook in notebooks:
        for module in imported_modules(notebook):
            needed.update(normalized(name) for name in providers.get(module, []) if normalized(name) in pinned)
    for package, imported in UNDECLARED.items():
        if package in needed:
            needed.update(imported)
    needed.add(JUPYTER)
    missing = sorted(needed - set(pinned))
    if missing:
        raise ValueError(f"requirements.txt pins no version of {', '.join(missing)}")
    return [pin for name, pin in pinned.items() if name in needed]


def install_line(paths: list[Path] | None = None) -> str:
    """`python -m pip install` and the pinned packages the lessons need."""
    paths = lesson_runner.lesson_paths() if paths is None else paths
    return _line(tuple(path.read_text() for path in paths), REQUIREMENTS.read_text())


@functools.lru_cache(maxsize=4)  # by the lessons' and requirements' text: a changed lesson counts
def _line(lesson_texts: tuple[str, ...], requirements: str) -> str:
    notebooks = [nbformat.reads(text, as_version=4) for text in lesson_texts]
    return f"{PIP} {' '.join(packages(notebooks, requirements))}"


if __name__ == "__main__":
    print(install_line())
