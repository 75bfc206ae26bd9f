"""Habits that keep the lessons reviewable, checked so they hold without the pre-commit hook too.

- Committed notebooks carry no outputs (nbstripout would change nothing).
- The lessons, the runner, the tests, the benchmark and the learners' set-up check pass `ruff check` and
  `ruff format --check`.
- The pre-commit configuration works offline and strips a notebook for real.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LINTED = [
    folder
    for folder in ["lesson_runner", "site_builder", "dev_tools", "authoring", "tests", "lessons", "docs/downloads"]
    if (REPO / folder).is_dir()
]
NOTEBOOKS = sorted(
    path.relative_to(REPO).as_posix()
    for folder in ["lessons", "authoring", "tests"]
    for path in (REPO / folder).rglob("*.ipynb")
)


def run(*command, cwd=REPO):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_committed_notebook_is_stripped(notebook):
    result = run(str(VENV_BIN / "nbstripout"), "--verify", "--keep-id", notebook)
    assert result.returncode == 0, (
        f"{notebook} holds outputs, execution counts or metadata that nbstripout strips: "
        f"run `.venv/bin/nbstripout --keep-id {notebook}` (or install the pre-commit hook)\n{result.stdout}"
    )


@pytest.mark.parametrize("folder", LINTED)
def test_ruff_check(folder):
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", folder)
    assert result.returncode == 0, f"ruff check {folder} found:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("folder", LINTED)
def test_ruff_format(folder):
    result = run(sys.executable, "-m", "ruff", "format", "--no-cache", "--check", folder)
    assert result.returncode == 0, (
        f"ruff format would change these files of {folder}/ (run `.venv/bin/ruff format {folder}`):\n"
        f"{result.stdout}{result.stderr}"
    )


def test_the_hooks_tools_are_pinned():
    config = (REPO / ".pre-commit-config.yaml").read_text()
    pinned = {
        line.split("==")[0].lower() for line in (REPO / "requirements.txt").read_text().splitlines() if "==" in line
    }
    for tool in ["nbstripout", "ruff", "pre-commit"]:
        assert tool in pinned or tool.replace("-", "_") in pinned, f"{tool} is not pinned in requirements.txt"
    assert "repo: local" in config and "https://" not in config, "the hooks must run offline, from .venv/"
    result = run(str(VENV_BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_hook_strips_a_notebook_for_real(tmp_path):
    """A notebook with outputs, committed through the hook in a scratch repository, comes out clean."""
    shutil.copyfile(REPO / ".pre-commit-config.yaml", tmp_path / ".pre-commit-config.yaml")
    shutil.copyfile(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv").symlink_to(VENV_BIN.parent)
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 3,
                "id": "chosen-id",
                "metadata": {"tags": ["raises-exception"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["4\n"]}],
                "source": ["print(2 + 2)"],
            }
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "lesson.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    for command in (["git", "init", "-q"], ["git", "add", "lesson.ipynb", ".pre-commit-config.yaml", "pyproject.toml"]):
        subprocess.run(command, cwd=tmp_path, check=True)
    result = subprocess.run(
        [str(VENV_BIN / "pre-commit"), "run", "--all-files"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 1, result.stdout  # pre-commit fails a run that changed files
    assert "strip notebook outputs (nbstripout)" in result.stdout and "Failed" in result.stdout
    [cell] = json.loads((tmp_path / "lesson.ipynb").read_text())["cells"]
    assert (cell["outputs"], cell["execution_count"], cell["id"]) == ([], None, "chosen-id")
    assert cell["metadata"] == {"tags": ["raises-exception"]}
