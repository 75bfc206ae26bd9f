"""A reveal.js deck per lesson, made from its executed notebook.

Which cell goes where follows Jupyter's own `slideshow.slide_type` cell metadata, the convention of
nbconvert's slides exporter and of RISE: `slide` starts a slide, `subslide` a slide below it,
`fragment` appears on the next key press, `-` continues, `notes` are speaker notes (press S) and
`skip` stays off the slides. On top of that, for every lesson:

- a markdown cell with further `##` headings is split there, each part a subslide (the first cell
  of a lesson holds its title, "You will learn" and "Prerequisites"), and prose too long for one
  slide continues on the next subslide, cut between paragraphs;
- a code cell too long for one slide with its output shows its output on the next subslide, a
  long code cell gets a smaller font, and one longer than a slide is cut between top-level
  statements over several subslides;
- an error shows as its one final line, large; the lesson page keeps the traceback;
- the title slide gets generated speaker notes (timing and the misconceptions to watch for) and
  the Exercises slide the exercise time, both from the lesson's metadata.

A lesson without any slideshow metadata still gets a deck (the fallback): each `#`/`##` heading
cell starts a slide and every other cell a subslide of its own.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbconvert
import nbformat
from bs4 import BeautifulSoup
from nbconvert import SlidesExporter

import lesson_runner
import site_builder
from lesson_runner import lesson_facts
from lesson_runner.lesson_facts import LessonFacts
from site_builder import page_cache

KIT = Path(__file__).resolve().parent
REPO = KIT.parent
REVEAL_SOURCE = REPO / "node_modules" / "reveal.js"
REVEAL_VERSION = "5.2.1"  # as pinned in package.json; its paths are the ones the template uses
DECKS_DIR = "slides"  # in the site
REVEAL_PREFIX = "reveal"  # relative to the decks (not "reveal.js": a folder named like a file confuses tools)
WIDTH, HEIGHT = 960, 700
# The only files of reveal.js a deck loads (the theme's fonts: the woff files the browser picks).
_FONTS = "dist/theme/fonts/source-sans-pro/"
REVEAL_FILES = [
    "LICENSE",
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    _FONTS + "LICENSE",
    _FONTS + "source-sans-pro.css",
    *(_FONTS + f"source-sans-pro-{face}.woff" for face in ("regular", "italic", "semibold", "semibolditalic")),
    "plugin/notes/notes.js",
]
# How many lines of code and output fit on one slide at the deck's font sizes (tests/test_slides.py
# checks that every slide of every deck fits), and from how many code lines the font gets smaller.
LINES_PER_SLIDE = 22
DENSE_CODE_LINES = 18
MAX_CODE_LINES = 30  # longer code is split over several slides, at top-level statements
IMAGE_LINES = 16  # the room a plot takes, in lines
# Prose: about this many characters fit on a line of a slide, and this many lines on a slide.
PROSE_LINE_CHARS = 62
PROSE_LINES_PER_SLIDE = 13
# A whole slide, heading and prose included, in lines of code (one is about 19 px of the 700).
SLIDE_LINES = 30
# A line of prose is about this many lines of code tall (26 px type against 16 px code; measured
# over every slide of the nine decks: 33 px against 19 px).
PROSE_LINE_IN_CODE_LINES = 1.7
CELL_LINES = 1.5  # the room around a code cell and its output
CODE_LINE_CHARS = 94  # characters of code on one line of a slide before it wraps
TABLE_ROW_IN_CODE_LINES = 1.4
DENSE_TAG = "slide-dense"
_SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "notes", "skip"}
_LEVEL_2 = re.compile(r"^##\s")
_HEADING_1_OR_2 = re.compile(r"^#{1,2}\s")


class SlidesError(Exception):
    """A sentence saying what is missing and how to get it."""


def reveal_files() -> list[tuple[str, Path]]:
    """(path in the site, file on disk) for every reveal.js file the decks need."""
    package = REVEAL_SOURCE / "package.json"
    if not package.exists():
        raise SlidesError("reveal.js is missing from node_modules/: run `npm ci` (`make build` does it first)")
    version = json.loads(package.read_text())["version"]
    if version != REVEAL_VERSION:
        raise SlidesError(
            f"node_modules/reveal.js is version {version}, the decks are made for {REVEAL_VERSION} "
            "(package.json pins it): run `npm ci`"
        )
    files = []
    for name in REVEAL_FILES:
        source = REVEAL_SOURCE / name
        if not source.exists():
            raise SlidesError(f"node_modules/reveal.js/{name} is missing: run `npm ci`")
        files.append((f"{DECKS_DIR}/{REVEAL_PREFIX}/{name}", source))
    return files


def deck_path(slug: str) -> str:
    return f"{DECKS_DIR}/{slug}.html"


def _markdown_cell(source: str, slide_type: str):
    # An id made from the text, not nbformat's random one: the same lesson makes the same deck.
    cell = nbformat.v4.new_markdown_cell(source, id="deck-" + hashlib.sha256(source.encode()).hexdigest()[:8])
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def _set_type(cell, slide_type: str) -> None:
    cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type


def _lines(text: str) -> int:
    """Lines on a slide: a line longer than the slide is wide wraps (code and output are pre-wrap)."""
    if not text.strip():
        return 0
    return sum(max(1, -(-len(line) // CODE_LINE_CHARS)) for line in text.rstrip("\n").splitlines())


def _output_lines(cell) -> int:
    count = 0
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            count += 3  # one line, large, maybe wrapped
        elif output.output_type == "stream":
            count += _lines(output.text)
        elif "text/markdown" in output.get("data", {}):
            # A table's rows, with their padding, are taller than code lines.
            count += round(_lines(output.data["text/markdown"]) * TABLE_ROW_IN_CODE_LINES) + 1
        elif {"image/png", "image/jpeg", "image/svg+xml"} & set(output.get("data", {})):
            count += IMAGE_LINES
        elif "text/plain" in output.get("data", {}):
            count += _lines(output.data["text/plain"])
    return count


def _code_chunks(source: str) -> list[str]:
    """Code too long for one slide, cut into slide-sized pieces between top-level statements."""
    lines = source.strip("\n").splitlines()
    if len(lines) <= MAX_CODE_LINES:
        return [source]
    blocks, current = [], []
    for index, line in enumerate(lines):
        top_level = line.strip() and not line[0].isspace() and index > 0 and not lines[index - 1].strip()
        if top_level and current:
            blocks.append(current)
            current = []
        current.append(line)
    blocks.append(current)
    chunks, chunk = [], []
    for block in blocks:
        while len(block) > MAX_CODE_LINES:  # one statement longer than a slide: cut it anywhere
            if chunk:
                chunks.append(chunk)
                chunk = []
            chunks.append(block[:MAX_CODE_LINES])
            block = block[MAX_CODE_LINES:]
        if len(chunk) + len(block) > MAX_CODE_LINES:
            chunks.append(chunk)
            chunk = []
        chunk += block
    chunks.append(chunk)
    return ["\n".join(chunk).strip("\n") for chunk in chunks if any(line.strip() for line in chunk)]


def _split_code(cell) -> list:
    """The cell as slides: its code in slide-sized pieces, then its output, on a slide of its own
    when code and output do not fit on one together."""
    pieces = []
    chunks = _code_chunks(cell.source)
    for number, chunk in enumerate(chunks):
        piece = copy.deepcopy(cell)
        piece.source = chunk
        if number > 0:
            piece["id"] = f"{cell.get('id')}-part{number + 1}"
            _set_type(piece, "subslide")
        if number < len(chunks) - 1:
            piece.outputs = []
        if _lines(chunk) > DENSE_CODE_LINES:
            piece.metadata["tags"] = [*piece.metadata.get("tags", []), DENSE_TAG]
        pieces.append(piece)
    last = pieces[-1]
    if last.get("outputs") and _lines(last.source) + _output_lines(last) > LINES_PER_SLIDE:
        output_only = copy.deepcopy(last)
        output_only["id"] = f"{cell.get('id')}-output"
        output_only.metadata["tags"] = [tag for tag in output_only.metadata.get("tags", []) if tag != DENSE_TAG]
        output_only.metadata["transient"] = {"remove_source": True}
        _set_type(output_only, "subslide")
        last.outputs = []
        pieces.append(output_only)
    return pieces


def _blocks(markdown: str) -> list[str]:
    """Paragraphs, lists, headings and fenced blocks of a markdown text, in order."""
    blocks, current, fenced = [], [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _prose_lines(block: str) -> float:
    """How many slide lines a block takes, roughly (a heading or a code line counts as more)."""
    if block.lstrip().startswith("```"):
        return len(block.splitlines()) * 0.8 + 0.5
    if block.startswith("#"):
        return 2.0
    lines = 0.0
    for line in re.split(r"\n(?=\s*[-*] |\s*\d+\. )", block):  # each list item starts a line
        lines += -(-len(" ".join(line.split())) // PROSE_LINE_CHARS)
    return lines + 0.6  # the space after a paragraph


def _split_long_prose(markdown: str) -> list[str]:
    """Prose too long for one slide, cut between paragraphs into slide-sized parts."""
    parts, current, used = [], [], 0.0
    for block in _blocks(markdown):
        size = _prose_lines(block)
        if current and used + size > PROSE_LINES_PER_SLIDE:
            parts.append("\n\n".join(current))
            current, used = [], 0.0
        current.append(block)
        used += size
    parts.append("\n\n".join(current))
    return parts


def _split_at_headings(cell) -> list:
    """The parts of a markdown cell that starts further `##` sections, each part its own cell."""
    parts, current, fenced = [], [], False
    for line in cell.source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and _LEVEL_2.match(line) and any(part.strip() for part in current):
            parts.append("\n".join(current).strip())
            current = []
        current.append(line)
    parts.append("\n".join(current).strip())
    parts = [piece for part in parts for piece in _split_long_prose(part)]
    cells = [cell]
    cell.source = parts[0]
    for part in parts[1:]:
        cells.append(_markdown_cell(part, "subslide"))
    return cells


def _slide_lines(cell) -> float:
    """How many lines of code a cell takes on a slide, roughly."""
    if cell.cell_type == "markdown":
        return sum(_prose_lines(block) for block in _blocks(cell.source)) * PROSE_LINE_IN_CODE_LINES
    code = 0 if cell.metadata.get("transient", {}).get("remove_source") else _lines(cell.source)
    if DENSE_TAG in cell.metadata.get("tags", []):
        code *= 0.8
    return code + _output_lines(cell) + CELL_LINES


def _fit_slides(cells) -> None:
    """A cell that would continue a slide already full (a fragment, or `-`) starts a subslide:
    each cell may fit on its own, a heading, its prose, a code cell and its output together not."""
    used = 0.0
    for cell in cells:
        kind = lesson_facts.slide_type(cell)
        if kind in {"notes", "skip"}:
            continue
        size = _slide_lines(cell)
        if kind in {"fragment", "-", None} and used and used + size > SLIDE_LINES:
            _set_type(cell, "subslide")
            kind = "subslide"
        used = size if kind in {"slide", "subslide"} else used + size


def _fallback_types(notebook) -> None:
    """Slide types for a lesson that has none: a heading cell starts a slide, any other cell a subslide."""
    for cell in notebook.cells:
        heading = cell.cell_type == "markdown" and _HEADING_1_OR_2.match(cell.source.lstrip())
        _set_type(cell, "slide" if heading else "subslide")


def _title_notes(facts: LessonFacts) -> str:
    exercises = len(facts.exercises)
    lines = [
        f"**Timing:** {facts.teaching_minutes} min teaching, {facts.exercise_minutes} min for "
        f"{exercises} exercise{'s' if exercises != 1 else ''} ({facts.total_minutes} min in all)."
    ]
    if facts.misconceptions:
        lines.append("")
        lines.append("**Watch for these misconceptions:**")
        lines.append("")
        lines.extend(f"- *{item.belief}* — {item.correction}" for item in facts.misconceptions)
    return "\n".join(lines)


def _links_line(lesson_url: str, index_url: str) -> str:
    return (
        f'<p class="deck-links"><a href="{html.escape(lesson_url)}">Lesson page</a> · '
        f'<a href="{html.escape(index_url)}">All decks</a> · '
        "<kbd>S</kbd> speaker notes · <kbd>Esc</kbd> overview</p>"
    )


def deck_notebook(notebook, facts: LessonFacts, lesson_url: str = "", index_url: str = ""):
    """A copy of the executed lesson, laid out for slides (the lesson itself is left as it is).
    With URLs, the title slide links back to the lesson page and to every deck."""
    deck = copy.deepcopy(notebook)
    if not any(lesson_facts.slide_type(cell) for cell in deck.cells):
        _fallback_types(deck)
    for index, cell in enumerate(deck.cells):
        kind = lesson_facts.slide_type(cell)
        if kind is not None and kind not in _SLIDE_TYPES:
            raise SlidesError(
                f"{facts.path.name}, cell {index + 1} ({lesson_facts.first_line(cell.source)!r}): "
                f"slideshow.slide_type is {kind!r}; use one of {', '.join(sorted(_SLIDE_TYPES))}"
            )
    cells, later_parts = [], []
    for cell in deck.cells:
        kind = lesson_facts.slide_type(cell)
        if kind != "notes":
            # Notes right after a split cell belong to its first part (the title slide's notes to it).
            cells.extend(later_parts)
            later_parts = []
        if cell.cell_type == "markdown" and kind not in {"notes", "skip"}:
            first, *later_parts = _split_at_headings(cell)
            cells.append(first)
        elif cell.cell_type == "code" and kind != "skip":
            cells.extend(_split_code(cell))
        else:
            cells.append(cell)
    cells.extend(later_parts)
    _fit_slides(cells)
    for cell in cells:
        heading, _, rest = cell.source.partition("\n")
        if cell.cell_type == "markdown" and heading.strip() == "## Exercises":
            count = len(facts.exercises)
            timing = f"**{facts.exercise_minutes} minutes** for {count} exercise{'s' if count != 1 else ''}"
            cell.source = f"{heading}\n\n{timing}\n{rest}"
    if lesson_url:
        cells[0].source += "\n\n" + _links_line(lesson_url, index_url)
    cells.insert(1, _markdown_cell(_title_notes(facts), "notes"))
    deck.cells = cells
    return deck


CACHE_DIR = REPO / ".cache" / "slides"


def _deck_key(path: Path, lesson_url: str, index_url: str) -> str:
    """Everything a deck depends on: the lesson's whole text and environment (lesson_key), the links,
    the code (site_builder.code_version, the template included) and nbconvert."""
    digest = hashlib.sha256(
        "\0".join([lesson_runner.lesson_key(path), lesson_url, index_url, nbconvert.__version__]).encode()
    )
    digest.update(site_builder.code_version())
    return digest.hexdigest()[:32]


def cached_deck(path: Path, notebook, facts: LessonFacts, lesson_url: str, index_url: str) -> str:
    """render_deck, kept in .cache/slides/ so that a build where nothing changed renders nothing."""
    return cached_decks([(path, notebook, facts, lesson_url, index_url)])[0]


def cached_decks(requests: list[tuple]) -> list[str]:
    """cached_deck for several lessons, (path, notebook, facts, lesson_url, index_url) each: the
    decks not in the cache are rendered side by side, one process per core (nbconvert and
    BeautifulSoup are pure Python: one process renders one deck at a time, on one core)."""
    page_cache.run_side_by_side(deck_jobs(requests))
    return [_deck_file(*request).read_text() for request in requests]


def deck_file(request: tuple) -> Path:
    """Where the deck for this request is (or will be) in the cache: (path, notebook, facts,
    lesson_url, index_url), as for cached_decks."""
    return _deck_file(*request)


def deck_jobs(requests: list[tuple]) -> list[tuple]:
    """The decks the cache lacks, as (function, arguments) jobs that each render one into the cache:
    for a caller that runs them side by side with other work of its own."""
    return [(render_into_cache, request) for request in requests if not _deck_file(*request).exists()]


def _deck_file(path: Path, notebook, facts, lesson_url: str, index_url: str) -> Path:
    return CACHE_DIR / f"{path.stem}-{_deck_key(path, lesson_url, index_url)}.html"


def render_into_cache(path: Path, notebook, facts: LessonFacts, lesson_url: str, index_url: str) -> None:
    deck = render_deck(notebook, facts, lesson_url, index_url)
    file = _deck_file(path, notebook, facts, lesson_url, index_url)
    for stale in CACHE_DIR.glob(f"{path.stem}-*.html"):
        stale.unlink(missing_ok=True)
    page_cache.write_whole(file, deck)


def render_deck(notebook, facts: LessonFacts, lesson_url: str, index_url: str) -> str:
    """The deck's HTML. URLs are relative to the deck, so it works from a server and from disk."""
    exporter = _exporter()
    resources = {
        "metadata": {"name": facts.title},
        "deck": {"css": (KIT / "reveal_deck" / "deck.css").read_text()},
    }
    body, _ = exporter.from_notebook_node(deck_notebook(notebook, facts, lesson_url, index_url), resources=resources)
    return _relink(body, lesson_url)


@functools.cache
def _exporter() -> SlidesExporter:
    """One exporter per process: a new one compiles its Jinja templates again (a fifth of a deck's
    render). It keeps nothing of a notebook from one export to the next."""
    return SlidesExporter(
        template_name="reveal_deck",
        extra_template_basedirs=[str(KIT)],
        reveal_url_prefix=REVEAL_PREFIX,
        reveal_theme="white",
        reveal_transition="slide",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


_SITE = "http://site/"  # a stand-in origin, only to resolve relative links


def _relink(deck_html: str, lesson_url: str) -> str:
    """Links written for the lesson page, made to work from the deck: another lesson
    (`02-x.ipynb`) becomes its page, a page relative to the lesson's (`../../tools/x/`) stays that page."""
    deck_base = urljoin(_SITE, DECKS_DIR + "/")
    lesson_page = urljoin(deck_base, lesson_url)
    soup = BeautifulSoup(deck_html, "html.parser")
    for link in soup.select(".reveal a[href]"):
        href = link["href"]
        if urlsplit(href).scheme or href.startswith(("#", "/")) or "deck-links" in (link.parent.get("class") or []):
            continue
        path, _, fragment = href.partition("#")
        if path.endswith(".ipynb"):
            target = urljoin(lesson_page, f"../{Path(path).stem}/index.html")
        else:
            target = urljoin(lesson_page, path)
            if target.endswith("/"):
                target += "index.html"  # a folder's page, also when the deck is opened from disk
        relative = posixpath.relpath(urlsplit(target).path, urlsplit(deck_base).path)
        link["href"] = relative + (f"#{fragment}" if fragment else "")
    return str(soup)


def index_page(lessons: list[tuple[LessonFacts, str]], guide_url: str, site_url: str) -> str:
    """slides/index.html: every deck, with its lesson page. `lessons` pairs facts with lesson URLs."""
    rows = "\n".join(
        f'<tr><td>{facts.number}</td><td><a href="{facts.slug}.html">{html.escape(facts.title)}</a></td>'
        f"<td>{facts.teaching_minutes} min</td><td>{facts.exercise_minutes} min</td>"
        f'<td><a href="{html.escape(lesson_url)}">lesson page</a></td></tr>'
        for facts, lesson_url in lessons
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slides · Shape Matters</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }}
/* On a phone the table scrolls inside its box, not the page; the box takes keyboard focus. */
.decks {{ overflow-x: auto; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #ccc; }}
a {{ color: #2a3fa0; }}
kbd {{ border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; font-size: 0.9em; }}
</style>
</head>
<body>
<main>
<h1>Slides</h1>
<p>One reveal.js deck per lesson, made from the executed lesson when the site was built. Everything
they load is in this folder: they work without a network, from a server or opened as files.</p>
<div class="decks" role="region" aria-label="The decks" tabindex="0">
<table>
<thead><tr><th>#</th><th>Deck</th><th>Teaching</th><th>Exercises</th><th>Lesson</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
<h2>Presenting</h2>
<ul>
<li><kbd>→</kbd> / <kbd>Space</kbd>: next slide; <kbd>Esc</kbd>: overview of all slides.</li>
<li><kbd>S</kbd>: the speaker view in a new window, with the notes, the next slide and a timer
(allow pop-ups for this page).</li>
<li>PDF handouts: <code>make slides-pdf</code> writes <code>slides/pdf/&lt;lesson&gt;.pdf</code>, one page per
slide; or open a deck with <code>?print-pdf</code> after its name and print it from the browser.</li>
</ul>
<p><a href="{html.escape(guide_url)}">Instructor guide</a> · <a href="{html.escape(site_url)}">The site</a></p>
</main>
</body>
</html>
"""
