"""The throwaway copy of the repository the bench works in, and how a step is timed."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from dev_tools.source_copy import copy_sources

REPO = Path(__file__).resolve().parent.parent.parent
# `make` is told that the installs are done (-o), so a timing never includes a pip run.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed"]


def make_copy(root: Path) -> Path:
    return copy_sources(root / "repo")


def clear_caches(copy: Path) -> None:
    for folder in [copy / ".cache", copy / "site"]:
        shutil.rmtree(folder, ignore_errors=True)


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for variable in ["SHAPE_MATTERS_SITE_DIR", "SHAPE_MATTERS_DETERMINISM"]:
        env.pop(variable, None)
    return env


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env or environment())
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"bench: `{' '.join(command)}` failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return seconds, result


def executed_lessons(copy: Path) -> dict[str, float]:
    """The lessons in the copy's cache, with the seconds each took to execute."""
    found = {}
    for timing in (copy / ".cache" / "lessons").glob("*/lessons/*.json"):
        found[(timing.parent / timing.stem).name + ".ipynb"] = json.loads(timing.read_text())["seconds"]
    return found


def cache_entries(copy: Path) -> set[Path]:
    return set((copy / ".cache" / "lessons").glob("*/lessons/*.ipynb"))


def median(values: list[float]) -> float:
    return statistics.median(values)
