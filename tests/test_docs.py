"""The Python blocks of docs/ run, page by page, and the quick reference's table is true."""

import re
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn

pytestmark = pytest.mark.lessons

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```python\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)
PAGES = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))


def python_blocks(page: str) -> list[str]:
    return [textwrap.dedent(match["body"]) for match in FENCE.finditer((DOCS / page).read_text())]


def test_the_pages_have_code_to_run():
    assert python_blocks("index.md") and python_blocks("reference.md")


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page):
    namespace = {"__name__": f"docs/{page}"}
    for number, block in enumerate(python_blocks(page), start=1):
        first_line = block.strip().splitlines()[0]
        try:
            exec(compile(block, f"docs/{page}, block {number}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"docs/{page}, Python block {number} ({first_line!r}) raised {type(error).__name__}: {error}")


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
