"""The lessons' slide decks: made from the executed lessons at build, offline, with speaker notes,
one PDF page per slide; and the reader's page free of what belongs to the slides alone."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

import lesson_runner
from lesson_runner import lesson_facts
from site_builder import slides, slides_pdf

REPO = Path(__file__).resolve().parent.parent
LESSONS = lesson_runner.lesson_paths()
SLUGS = [path.stem for path in LESSONS]
# The lessons whose slide layout, notes and misconceptions were written with the decks.
CORE = SLUGS[:5]
ERROR_LINE = "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)"


def raw(slug: str) -> dict:
    return json.loads((lesson_runner.LESSONS_DIR / f"{slug}.ipynb").read_text())


def notes_cells(slug: str) -> list[dict]:
    return [cell for cell in raw(slug)["cells"] if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"]


def deck(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "slides" / f"{slug}.html").read_text(), "html.parser")


# --- the built files ---------------------------------------------------------------------------


@pytest.mark.site
def test_every_lesson_has_a_deck_and_the_index_lists_them_all(built_site):
    index = BeautifulSoup((built_site / "slides" / "index.html").read_text(), "html.parser")
    rows = [[link["href"] for link in row.select("a")] for row in index.select("tbody tr")]
    assert rows == [[f"{slug}.html", f"../lessons/{slug}/index.html"] for slug in SLUGS]
    for slug in SLUGS:
        assert (built_site / "slides" / f"{slug}.html").is_file(), f"slides/{slug}.html is missing"


@pytest.mark.site
def test_lesson_page_links_its_deck_and_the_deck_links_back(built_site):
    for slug in SLUGS:
        page = BeautifulSoup((built_site / "lessons" / slug / "index.html").read_text(), "html.parser")
        to_deck = [link["href"] for link in page.select("a.lesson-slides")]
        assert to_deck == [f"../../slides/{slug}.html"], f"lessons/{slug}/: link to its deck is {to_deck}"
        back = [link["href"] for link in deck(built_site, slug).select(".deck-links a")]
        assert back == [f"../lessons/{slug}/index.html", "index.html"], f"slides/{slug}.html links {back}"


@pytest.mark.site
def test_decks_load_only_local_files_and_no_cdn_library(built_site):
    for slug in SLUGS:
        page = deck(built_site, slug)
        loads = [tag.get("src") or tag.get("href") for tag in page.select("script[src], link[href]")]
        assert loads == [
            "reveal/dist/reveal.css",
            "data:,",
            "reveal/dist/theme/white.css",
            "reveal/dist/reveal.js",
            "reveal/plugin/notes/notes.js",
        ], f"slides/{slug}.html loads {loads}"
        for local in loads[:1] + loads[2:]:
            assert (built_site / "slides" / local).is_file(), f"slides/{slug}.html loads {local}, which is not there"
        scripts = " ".join(script.get_text() for script in page.select("script"))
        for library in ("require(", "jquery", "mermaid", "MathJax", "unpkg", "cdnjs"):
            assert library not in scripts, f"slides/{slug}.html still calls {library}"


@pytest.mark.site
def test_only_the_reveal_files_the_decks_need_are_copied(built_site):
    copied = sorted(
        path.relative_to(built_site / "slides" / "reveal").as_posix()
        for path in (built_site / "slides" / "reveal").rglob("*")
        if path.is_file()
    )
    assert copied == sorted(slides.REVEAL_FILES)
    size = sum((built_site / "slides" / "reveal" / name).stat().st_size for name in copied)
    assert size < 1_000_000, f"reveal.js copy is {size} bytes"
    assert json.loads((REPO / "package.json").read_text())["dependencies"]["reveal.js"] == slides.REVEAL_VERSION


@pytest.mark.site
def test_the_error_slide_shows_the_final_line_not_the_traceback(built_site):
    page = deck(built_site, "01-reproduce-the-error")
    errors = [" ".join(pre.get_text().split()) for pre in page.select(".slide-error pre")]
    assert errors == [ERROR_LINE, ERROR_LINE.replace("2x1568", "3x1568")]
    assert "Traceback" not in page.get_text() and "frames inside the library hidden" not in page.get_text()


@pytest.mark.site
def test_speaker_notes_are_on_the_slides_not_on_the_readers_page(built_site):
    for slug in CORE:
        cells = notes_cells(slug)
        assert len(cells) >= 5, f"{slug}: {len(cells)} speaker notes cells"
        page = (built_site / "lessons" / slug / "index.html").read_text()
        page_text = BeautifulSoup(page, "html.parser").get_text()  # parsed once: the page is large
        asides = " ".join(" ".join(aside.get_text().split()) for aside in deck(built_site, slug).select("aside.notes"))
        for cell in cells:
            first_words = " ".join("".join(cell["source"]).split()[:6])
            assert f'id="cell-id={cell["id"]}"' not in page, f"lessons/{slug}/ shows notes cell {cell['id']}"
            assert first_words.replace("`", "") not in page_text, f"lessons/{slug}/ shows the notes {first_words!r}"
            assert first_words.replace("`", "").replace("*", "") in asides, (
                f"slides/{slug}.html lacks the notes {first_words!r}"
            )


@pytest.mark.site
def test_the_title_slide_notes_carry_the_lessons_timing(built_site):
    for slug in SLUGS:
        minutes = raw(slug)["metadata"]["lesson"]
        title_notes = deck(built_site, slug).select_one("section section aside.notes").get_text()
        assert (
            f"Timing: {minutes['teaching_minutes']} min teaching, {minutes['exercise_minutes']} min for"
        ) in " ".join(title_notes.split()), f"slides/{slug}.html: title slide notes are {title_notes!r}"


# --- how a notebook becomes a deck --------------------------------------------------------------


def _facts(slug, executed_lessons):
    lesson = executed_lessons[f"{slug}.ipynb"]
    return lesson.notebook, lesson_facts.read(lesson.path, lesson.notebook)


def test_a_lesson_without_slide_metadata_gets_a_slide_per_heading(executed_lessons):
    notebook, facts = _facts("01-reproduce-the-error", executed_lessons)
    bare = copy.deepcopy(notebook)
    bare.cells = [cell for cell in bare.cells if not lesson_facts.is_notes(cell)]
    for cell in bare.cells:
        cell.metadata.pop("slideshow", None)
    laid_out = slides.deck_notebook(bare, facts)
    kinds = [(lesson_facts.slide_type(cell), lesson_facts.first_line(cell.source)) for cell in laid_out.cells]
    starts = [line for kind, line in kinds if kind == "slide"]
    assert starts == [
        "# 1. Reproduce the error",
        "## The model",
        "## The error, for real",
        "## Not a torchsummary problem",
        "## Where it breaks, as a picture",
        "## Exercises",
        "## Key points",
    ]
    assert all(kind in {"slide", "subslide", "notes"} for kind, _ in kinds), kinds


def test_the_title_cell_is_split_at_its_sections_and_keeps_its_notes(executed_lessons):
    notebook, facts = _facts("01-reproduce-the-error", executed_lessons)
    laid_out = slides.deck_notebook(notebook, facts)
    firsts = [(lesson_facts.slide_type(cell), lesson_facts.first_line(cell.source)) for cell in laid_out.cells[:5]]
    assert [kind for kind, _ in firsts] == ["slide", "notes", "notes", "subslide", "subslide"]
    assert firsts[0][1] == "# 1. Reproduce the error"
    minutes = raw("01-reproduce-the-error")["metadata"]["lesson"]
    assert firsts[1][1].startswith(
        f"**Timing:** {minutes['teaching_minutes']} min teaching, {minutes['exercise_minutes']} min for 2 exercises"
    )
    assert firsts[2][1].startswith("Start from the learners' screens")
    assert firsts[3][1] == "## You will learn" and firsts[4][1] == "## Prerequisites"


def test_long_code_is_cut_between_statements():
    source = "\n".join(
        [f"def f{n}():" for n in range(1)]
        + [f"    x{n} = {n}" for n in range(24)]
        + ["", "", "def g():"]
        + [f"    y{n} = {n}" for n in range(20)]
    )
    chunks = slides._code_chunks(source)
    assert [chunk.splitlines()[0] for chunk in chunks] == ["def f0():", "def g():"]
    assert "\n".join(chunks).replace("\n", "") == source.replace("\n", "")
    assert all(len(chunk.splitlines()) <= slides.MAX_CODE_LINES for chunk in chunks)


def test_a_fragment_that_would_overflow_its_slide_starts_a_subslide():
    prose = "## A heading\n\n" + "A sentence of prose that fills a line of the slide. " * 10
    code = "\n".join(f"layer_{n} = {n}" for n in range(12))
    cells = [
        slides._markdown_cell(prose, "slide"),
        nbformat.v4.new_code_cell(code),
        slides._markdown_cell("Short.", "-"),
    ]
    slides._set_type(cells[1], "fragment")
    cells[1].outputs = [nbformat.v4.new_output("stream", text="a line\n" * 4)]
    slides._fit_slides(cells)
    # Each alone fits (12 + 4 lines of code and output); the heading and prose before it do not leave room.
    assert [lesson_facts.slide_type(cell) for cell in cells] == ["slide", "subslide", "-"]
    small = [slides._markdown_cell("## A heading", "slide"), nbformat.v4.new_code_cell("x = 1")]
    slides._set_type(small[1], "fragment")
    slides._fit_slides(small)
    assert lesson_facts.slide_type(small[1]) == "fragment", "a fragment that fits stays on its slide"


def test_a_line_longer_than_a_slide_counts_as_the_lines_it_wraps_to():
    assert slides._lines("short\n" + "x" * (2 * slides.CODE_LINE_CHARS + 1)) == 1 + 3
    assert slides._lines("") == 0


def test_a_wrong_slide_type_is_named(executed_lessons):
    notebook, facts = _facts("01-reproduce-the-error", executed_lessons)
    broken = copy.deepcopy(notebook)
    broken.cells[3].metadata["slideshow"] = {"slide_type": "slid"}
    with pytest.raises(slides.SlidesError) as error:
        slides.deck_notebook(broken, facts)
    assert str(error.value) == (
        "01-reproduce-the-error.ipynb, cell 4 ('import torch'): slideshow.slide_type is 'slid'; "
        "use one of -, fragment, notes, skip, slide, subslide"
    )


def test_a_deck_is_rendered_again_only_when_what_it_is_made_of_changes(executed_lessons, monkeypatch, tmp_path):
    monkeypatch.setattr(slides, "CACHE_DIR", tmp_path)
    notebook, facts = _facts("01-reproduce-the-error", executed_lessons)
    first = slides.cached_deck(facts.path, notebook, facts, "../lessons/a/index.html", "index.html")
    assert ERROR_LINE in " ".join(BeautifulSoup(first, "html.parser").get_text().split())
    rendered = []
    monkeypatch.setattr(slides, "render_deck", lambda *args: rendered.append(args) or "another deck")
    assert slides.cached_deck(facts.path, notebook, facts, "../lessons/a/index.html", "index.html") == first
    assert rendered == []
    assert slides.cached_deck(facts.path, notebook, facts, "../lessons/b/index.html", "index.html") == "another deck"
    assert len(rendered) == 1
    assert [path.name.split("-")[0] for path in tmp_path.iterdir()] == ["01"], "the stale copy stays"


def test_a_missing_reveal_copy_is_a_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(slides, "REVEAL_SOURCE", tmp_path / "reveal.js")
    with pytest.raises(slides.SlidesError, match=r"^reveal.js is missing from node_modules/: run `npm ci`"):
        slides.reveal_files()


def test_the_pdf_page_counter_counts_pages_not_the_page_tree():
    pdf = b"1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R] /Count 2>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page /Parent 1 0 R>>"
    assert slides_pdf.count_pages(pdf) == 2


# --- in a real browser ---------------------------------------------------------------------------


def _open_deck(browser, site_url, slug, query=""):
    page = browser.new_page(viewport={"width": slides.WIDTH, "height": slides.HEIGHT})
    seen = {"errors": [], "elsewhere": []}
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(f"uncaught: {error}"))
    page.on(
        "request",
        lambda request: not request.url.startswith((site_url, "data:")) and seen["elsewhere"].append(request.url),
    )
    page.goto(f"{site_url}slides/{slug}.html{query}", wait_until="networkidle")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page, seen


@pytest.mark.browser
@pytest.mark.parametrize("slug", SLUGS)
def test_deck_loads_offline_with_notes(browser, site_url, slug):
    page, seen = _open_deck(browser, site_url, slug)
    state = page.evaluate(
        """() => ({
            ready: Reveal.isReady(),
            total: Reveal.getTotalSlides(),
            notesPlugin: Reveal.hasPlugin('notes'),
            withNotes: Reveal.getSlides().filter(slide => (Reveal.getSlideNotes(slide) || '').trim()).length,
            asides: document.querySelectorAll('aside.notes').length,
        })"""
    )
    page.close()
    assert seen["errors"] == [], f"slides/{slug}.html: console errors {seen['errors']}"
    assert seen["elsewhere"] == [], f"slides/{slug}.html: requests outside the site {seen['elsewhere']}"
    assert state["ready"] and state["notesPlugin"], f"slides/{slug}.html: {state}"
    assert state["total"] >= 5, f"slides/{slug}.html: only {state['total']} slides"
    expected_asides = len(notes_cells(slug)) + 1  # the lesson's notes and the title slide's timing
    assert state["asides"] == expected_asides, (
        f"slides/{slug}.html: {state['asides']} notes, expected {expected_asides}"
    )
    assert state["withNotes"] >= 1 + (len(notes_cells(slug)) > 0), f"slides/{slug}.html: {state}"


@pytest.mark.browser
def test_pressing_s_opens_the_speaker_view_with_the_notes(browser, site_url):
    page, seen = _open_deck(browser, site_url, "01-reproduce-the-error")
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    notes = speaker.locator(".speaker-controls-notes .value")
    minutes = raw("01-reproduce-the-error")["metadata"]["lesson"]
    timing = f"Timing: {minutes['teaching_minutes']} min teaching, {minutes['exercise_minutes']} min for 2 exercises"
    notes.get_by_text(timing).wait_for(timeout=15_000)
    assert "Start from the learners' screens" in notes.inner_text()
    # The speaker view shows the current and the next slide, each a copy of the deck.
    assert speaker.locator("iframe").count() == 2
    speaker.close()
    page.close()
    assert seen["errors"] == [] and seen["elsewhere"] == [], seen


@pytest.mark.browser
def test_the_error_is_large_on_its_slide(browser, site_url):
    page, _ = _open_deck(browser, site_url, "01-reproduce-the-error")
    page.evaluate("Reveal.configure({transition: 'none'})")
    page.evaluate(
        """() => { const slide = document.querySelector('.slide-error').closest('section');
                   const at = Reveal.getIndices(slide); Reveal.slide(at.h, at.v, 99); }"""
    )
    error = page.locator("section.present .slide-error pre").first
    # The error is a fragment: it is hidden until reveal.js's fade-in has run, and its text reads
    # as empty until then.
    error.wait_for(state="visible", timeout=5_000)
    assert " ".join(error.inner_text().split()) == ERROR_LINE
    size = float(error.evaluate("pre => getComputedStyle(pre).fontSize").removesuffix("px"))
    assert size >= 24, f"the error is {size}px on its slide"
    box = error.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= slides.WIDTH, f"the error runs off the slide: {box}"
    page.close()


@pytest.mark.browser
def test_the_title_slide_gives_its_error_line_room(browser, site_url):
    """The error line on lesson 1's title slide is a code block in the prose: it must not sit
    jammed against the paragraph after it."""
    page, _ = _open_deck(browser, site_url, "01-reproduce-the-error")
    gaps = page.evaluate(
        """() => { const block = document.querySelector('section.present .jp-RenderedMarkdown div.highlight');
                   const before = block.previousElementSibling.getBoundingClientRect();
                   const after = block.nextElementSibling.getBoundingClientRect();
                   const box = block.getBoundingClientRect();
                   return {above: box.top - before.bottom, below: after.top - box.bottom,
                           background: getComputedStyle(block.querySelector('pre')).backgroundColor}; }"""
    )
    page.close()
    assert gaps["above"] >= 8 and gaps["below"] >= 16, f"slides/01-reproduce-the-error.html, title slide: {gaps}"
    assert gaps["background"] != "rgb(255, 255, 255)", f"the error line has no background of its own: {gaps}"


@pytest.mark.browser
@pytest.mark.parametrize("slug", SLUGS)
def test_every_slide_fits_one_pdf_page(browser, site_url, slug, tmp_path):
    page, seen = _open_deck(browser, site_url, slug, "?print-pdf")
    page.wait_for_function("document.querySelector('.pdf-page') !== null")
    overflowing = page.evaluate(
        f"""() => [...document.querySelectorAll('.pdf-page > section')].map((slide, index) => ({{
                number: index + 1, height: slide.scrollHeight, width: slide.scrollWidth,
                text: slide.innerText.trim().split('\\n')[0].slice(0, 60)}}))
              .filter(slide => slide.height > {slides.HEIGHT} || slide.width > {slides.WIDTH})"""
    )
    page.close()
    assert seen["errors"] == [], seen
    assert overflowing == [], f"slides/{slug}.html: slides larger than {slides.WIDTH}x{slides.HEIGHT}: {overflowing}"
    target = tmp_path / f"{slug}.pdf"
    total, pages = slides_pdf.print_deck(browser, f"{site_url}slides/{slug}.html", target)
    assert pages == total, f"slides/{slug}.html: the PDF has {pages} pages for {total} slides"
    assert re.search(rb"/Count %d\b" % total, target.read_bytes()), "the PDF's page tree disagrees with its pages"


def test_live_notebooks_keep_their_notes_cells_for_rise():
    """RISE reads the same metadata: the downloadable notebook still has its notes and slide types."""
    for slug in CORE:
        notebook = nbformat.read(lesson_runner.LESSONS_DIR / f"{slug}.ipynb", as_version=4)
        kinds = {lesson_facts.slide_type(cell) for cell in notebook.cells}
        assert {"slide", "notes"} <= kinds, f"{slug}: slide types {kinds}"
        assert lesson_facts.slide_type(notebook.cells[0]) == "slide", f"{slug}: the title cell must start a slide"
