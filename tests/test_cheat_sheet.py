"""The one-page cheat sheet: printed by Chromium at build from its page, one page on A4 and on
Letter, its numbers the ones torch computes, linked from the quick reference and the instructor
overview."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
import torch
from bs4 import BeautifulSoup
from torch import nn

from site_builder import cheat_sheet

pytestmark = pytest.mark.site


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def seed_model_message(images: torch.Tensor) -> str:
    convolutions = nn.Sequential(
        nn.Conv2d(1, 16, 5, 1, 2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, 1, 2),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )
    x = convolutions(images)
    with pytest.raises(RuntimeError) as error:
        nn.Linear(1050, 10)(x.view(x.size(0), -1))
    return str(error.value)


@pytest.fixture(scope="module")
def published(built_site) -> bytes:
    return (built_site / cheat_sheet.PDF).read_bytes()


def test_the_published_sheet_is_one_page_printed_from_this_build(built_site, published):
    assert pages(published) == 1, f"{cheat_sheet.PDF} has {pages(published)} pages"
    cached = cheat_sheet.CACHE_DIR / f"{cheat_sheet.cache_key(built_site)}.pdf"
    assert cached.read_bytes() == published, f"{cheat_sheet.PDF} is not the print of this build's {cheat_sheet.PAGE}"


@pytest.mark.browser
def test_it_prints_on_one_page_of_a4_and_of_letter(browser, site_url):
    url = site_url + cheat_sheet.PAGE.removesuffix("index.html")
    printed = {paper: cheat_sheet.print_page(browser, url, paper) for paper in ["A4", "Letter"]}
    assert {paper: pages(pdf) for paper, pdf in printed.items()} == {"A4": 1, "Letter": 1}


def test_its_numbers_are_the_ones_torch_computes(published):
    text = pdf_text(published)
    message = seed_model_message(torch.zeros(2, 1, 28, 28))
    assert message == "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)"
    assert f"RuntimeError: {message}" in text, f"{cheat_sheet.PDF} does not show torch's message {message!r}"
    in_features = int(re.search(r"\(\d+x(\d+) and", message)[1])
    assert f"nn.Linear({in_features}, 10)" in text, f"{cheat_sheet.PDF}: the fix with B = {in_features}"
    assert f"in_features = 32 · 7 · 7 = {in_features}" in text, f"{cheat_sheet.PDF}: the formula's product"
    lost = seed_model_message(torch.zeros(1, 28, 28))  # one image without its batch
    numbers = re.search(r"\(\d+x\d+ and \d+x\d+\)", lost)[0]
    assert numbers == "(32x49 and 1050x10)", lost  # the seed layer; the sheet shows the fixed one's
    # (a code span is followed by a space in the PDF's text)
    assert re.search(r"\(32x49 and 1568x10\) ?: 32 · 49 = 1568\.", text), f"{cheat_sheet.PDF}: the lost batch"
    for words in ["is A your batch size?", "Three robust", "Print the shape", "Hooks", "The calculator"]:
        assert words in text, f"{cheat_sheet.PDF} lacks {words!r}"


@pytest.mark.parametrize("page", ["reference/index.html", "instructors/index.html"])
def test_it_is_linked_from_the_reference_and_the_instructor_overview(built_site, page):
    soup = BeautifulSoup((built_site / page).read_text(), "html.parser")
    hrefs = {link["href"] for link in soup.select("article a[href]")}
    assert "../downloads/cheat-sheet.pdf" in hrefs, f"{page} does not link the cheat sheet's PDF"
    assert "../cheat-sheet/" in hrefs, f"{page} does not link the cheat sheet's page"
