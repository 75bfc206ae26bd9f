"""The Python blocks of docs/ run under the lessons' checks, page by page, and the quick reference's table is computed.

Each page's blocks run in order in one fresh kernel, in an empty working folder, like a script: a block
must not raise, hang, read the network or a file it did not create, or print what changes from run to run.
tests/broken_docs/ proves each check on a deliberately broken page.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lesson_runner

pytestmark = pytest.mark.lessons

DOCS = lesson_runner.DOCS_DIR
BROKEN = Path(__file__).resolve().parent / "broken_docs"
PAGES = [page.relative_to(DOCS).as_posix() for page in lesson_runner.docs_pages()]

EXPECTED = {
    "raises.md": "tests/broken_docs/raises.md, Python block 2 ('numbers[3]'): raised IndexError: list index out of range",
    "hangs.md": "tests/broken_docs/hangs.md, Python block 1 ('import time'): "
    "ran past the per-cell timeout of 5 s and was stopped",
    "reads_the_network.md": "tests/broken_docs/reads_the_network.md, Python block 1 ('import socket'): "
    "read the network: connect to ('127.0.0.1', 9)",
    "reads_a_file_it_did_not_create.md": "tests/broken_docs/reads_a_file_it_did_not_create.md, Python block 1 "
    "('from pathlib import Path'): read a file it did not create: /etc/hostname",
    # Only the printed generator: the bare expression above it shows nothing, as in a script.
    "prints_a_memory_address.md": re.compile(
        re.escape(
            "tests/broken_docs/prints_a_memory_address.md, Python block 1 ('import torch'): printed a memory address, "
            "which changes from run to run: '<torch._C.Generator object at "
        )
        + r"0x[0-9a-f]+>'"
    ),
}
# Unseeded random numbers look fine in one run: only a second run shows them.
ONLY_A_SECOND_RUN_SHOWS = {
    "unseeded.md": re.compile(
        re.escape(
            "tests/broken_docs/unseeded.md, Python block 1 ('import numpy as np'): printed different outputs in two runs: "
        )
        + r"'(0\.\d+)' the first time, '(0\.\d+)' the second"
    ),
}


@pytest.fixture(scope="module")
def executed_pages():
    return {lesson.path.relative_to(DOCS).as_posix(): lesson for lesson in lesson_runner.execute_docs()}


@pytest.fixture(scope="module")
def broken_reports():
    pages = [BROKEN / name for name in [*EXPECTED, *ONLY_A_SECOND_RUN_SHOWS]]
    return {
        lesson.path.name: [str(problem) for problem in lesson.problems]
        # all at once: a few lines each, mostly waiting (one for its timeout)
        for lesson in lesson_runner.execute_docs(pages, jobs=len(pages), timeout=5, determinism=False)
    }


def test_the_pages_have_code_to_run():
    assert "index.md" in PAGES and "reference.md" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(executed_pages, page):
    lesson = executed_pages[page]
    assert lesson.ok, "\n" + "\n".join(str(problem) for problem in lesson.problems)
    blocks = lesson_runner.python_blocks((DOCS / page).read_text())
    assert [cell.source for cell in lesson.notebook.cells] == blocks


@pytest.fixture(scope="module")
def reports_of_two_runs():
    pages = [BROKEN / name for name in ONLY_A_SECOND_RUN_SHOWS]
    return {
        lesson.path.name: [str(problem) for problem in lesson.problems]
        for lesson in lesson_runner.execute_docs(pages, timeout=20, determinism=True)
    }


def test_every_broken_page_has_an_expected_report():
    assert sorted(path.name for path in BROKEN.glob("*.md")) == sorted([*EXPECTED, *ONLY_A_SECOND_RUN_SHOWS])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_harness_reports_the_broken_page(broken_reports, name):
    expected = EXPECTED[name]
    [report] = broken_reports[name]
    if isinstance(expected, re.Pattern):
        assert expected.fullmatch(report), f"\nreported: {report}\nexpected: {expected.pattern}"
    else:
        assert report == expected


def test_one_run_cannot_see_unseeded_numbers(broken_reports):
    assert broken_reports["unseeded.md"] == []


def test_two_runs_report_unseeded_numbers(reports_of_two_runs):
    [report] = reports_of_two_runs["unseeded.md"]
    match = ONLY_A_SECOND_RUN_SHOWS["unseeded.md"].fullmatch(report)
    assert match, report
    assert match[1] != match[2]


def test_the_reference_shape_table_is_computed_not_typed():
    """Its rows are printed by a ```python exec="on"``` block when the page is built (the built
    table is checked against PyTorch in test_site); the tests run that block with the others."""
    text = (DOCS / "reference.md").read_text()
    section = text.split("## The shapes of the MNIST CNN")[1].split("\n## ")[0]
    assert '```python exec="on"' in section
    assert not re.search(r"^\|.*×.*\|$", section, re.M), "a typed table row in the shapes section"
    assert any('print(f"| flatten |' in block for block in lesson_runner.python_blocks(text))


def test_a_failing_exec_block_fails_the_build_and_names_its_page(tmp_path):
    """markdown-exec alone says a block failed, with its code and traceback, not on which page: the
    site's hook adds it (site_builder/exec_blocks.py). A strict build of a small site with a hook
    that calls it, markdown-exec and one broken page."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Fine\n")
    (tmp_path / "docs" / "broken.md").write_text('# Broken\n\n```python exec="on"\nprint(len(None))\n```\n')
    (tmp_path / "names_the_page.py").write_text(
        "from site_builder import exec_blocks\n"
        "def on_config(config):\n    exec_blocks.name_pages_in_warnings()\n    return config\n"
        "def on_page_markdown(markdown, page, **kwargs):\n    exec_blocks.building(page.file.src_uri)\n    return markdown\n"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: broken\nstrict: true\nhooks: [names_the_page.py]\n"
        "plugins: [{markdown-exec: {languages: [python], ansi: 'off'}}]\n"
        "markdown_extensions: [pymdownx.superfences]\n"
    )
    env = {**os.environ, "PYTHONPATH": str(lesson_runner.REPO), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert (
        "WARNING -  docs/broken.md: markdown_exec: Execution of python code block exited with errors" in result.stderr
    )
    assert "print(len(None))" in result.stderr
    assert "TypeError: object of type 'NoneType' has no len()" in result.stderr
    assert "docs/index.md:" not in result.stderr
