"""The Python blocks of docs/ run under the lessons' checks, page by page, and the quick reference's table is true.

Each page's blocks run in order in one fresh kernel, in an empty working folder, like a script: a block
must not raise, hang, read the network or a file it did not create, or print what changes from run to run.
tests/broken_docs/ proves each check on a deliberately broken page.
"""

import re
from pathlib import Path

import pytest
import torch
from torch import nn

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


def test_reference_shape_table_matches_the_layers():
    text = (DOCS / "reference.md").read_text()
    table = text.split("## The shapes of the MNIST CNN")[1].split("\n\n")[1]
    rows = [line.split("|")[1:3] for line in table.splitlines()[2:]]
    documented = [shape.strip() for _, shape in rows]
    layers = [nn.Conv2d(1, 16, 5, 1, 2), nn.MaxPool2d(2), nn.Conv2d(16, 32, 5, 1, 2), nn.MaxPool2d(2)]
    x = torch.zeros(1, 1, 28, 28)
    measured = ["1 × 28 × 28"]
    for layer in layers:
        x = layer(x)
        measured.append(" × ".join(str(size) for size in x.shape[1:]))
    channels, height, width = x.shape[1:]
    measured.append(f"{channels} · {height} · {width} = {x[0].numel()}")
    assert documented == measured
