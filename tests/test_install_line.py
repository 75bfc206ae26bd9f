"""The install line under each lesson page's download button (lesson_runner/install_line.py): what a
learner who downloads only that notebook installs to run it.

The last test is slow (marked `slow`; it runs in the full suite): it makes a venv from exactly that
line, with pip as this machine sets it up, and executes every learner's copy of the built site with
the `jupyter nbconvert --execute` that the line installed.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import nbformat
import pytest

import lesson_runner
from lesson_runner import install_line
from tests.test_learner_copy import SLUGS, built_copy, check_errors

# What the lessons import (IPython for display), torchsummary's undeclared numpy, and the Jupyter.
EXPECTED = ["torch", "torchsummary", "numpy", "torchinfo", "scikit-learn", "matplotlib", "jupyterlab", "ipython"]


def test_install_line_pins_what_the_lessons_import_and_no_site_tools():
    words = shlex.split(install_line.install_line())
    assert words[:4] == ["python", "-m", "pip", "install"]
    pinned = install_line.pins((lesson_runner.REPO / "requirements.txt").read_text())
    assert [word.split("==")[0] for word in words[4:]] == EXPECTED
    for word in words[4:]:
        assert pinned[install_line.normalized(word.split("==")[0])] == word, f"{word} is not requirements.txt's pin"


def test_install_line_follows_a_new_import():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import yaml\nfrom torch import nn")])
    requirements = "torch==2.13.0\nPyYAML==6.0.3\njupyterlab==4.6.4\nmkdocs==1.6.1\n"
    assert install_line.packages([notebook], requirements) == ["torch==2.13.0", "PyYAML==6.0.3", "jupyterlab==4.6.4"]


@pytest.mark.site
def test_every_lesson_page_shows_the_install_line_and_the_cpu_wheel(built_site):
    line = install_line.install_line()
    for slug in SLUGS:
        html = (built_site / "lessons" / slug / "index.html").read_text()
        assert f"<code>{line}</code>" in html, f"lessons/{slug}: no install line {line!r}"
        assert f"<code>--extra-index-url {install_line.CPU_INDEX}</code>" in html, f"lessons/{slug}: no CPU index"
        assert html.index(f'href="{slug}.ipynb"') < html.index(line), f"lessons/{slug}: the line is not under the link"


@pytest.mark.slow
@pytest.mark.site
def test_a_venv_from_the_install_line_runs_every_learners_copy(built_site, tmp_path):
    words = shlex.split(install_line.install_line())
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *words[4:]],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, f"{' '.join(words)} failed:\n{installed.stdout}\n{installed.stderr}"
    for slug in SLUGS:
        folder = tmp_path / slug  # each lesson in an empty folder of its own
        folder.mkdir()
        shutil.copyfile(built_site / "lessons" / slug / f"{slug}.ipynb", folder / "learner.ipynb")
        ran = subprocess.run(
            [venv / "bin" / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--output", "executed.ipynb"]
            + [f"--ExecutePreprocessor.timeout={lesson_runner.CELL_TIMEOUT_SECONDS}", "learner.ipynb"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        assert ran.returncode == 0, f"{slug}.ipynb (learner's copy) did not run in the venv:\n{ran.stderr[-3000:]}"
        executed = nbformat.read(folder / "executed.ipynb", as_version=4)
        assert len(executed.cells) == len(built_copy(built_site, slug).cells)
        check_errors(executed, slug)
