"""Makes the site from the executed lessons. Its one entry point is the MkDocs hook, hook.py.

- hook.py: the MkDocs events. Lints and executes the lessons (through lesson_runner), adds the
  executed notebooks, decks, reveal.js and instructor pages to the site, reworks each lesson page,
  and writes what the pages share.
- lesson_pages.py: a lesson page as readers get it, from mkdocs-jupyter's render: solutions
  folded, speaker notes off, figures as files, links to the notebook and the deck; rendered ahead
  of MkDocs in worker processes.
- slides.py: a reveal.js deck per lesson (nbconvert's SlidesExporter, the template in reveal_deck/).
  slides_pdf.py: `make slides-pdf`, every deck printed to PDF by Chromium.
- guide.py: the instructor guide's pages, as Markdown, from lesson_runner.lesson_facts.
- calculator_runtime.py: Pyodide from node_modules/ for the shape calculator, and its counts.
- cheat_sheet.py: the one-page cheat sheet, printed by Chromium from its built page.
- notebook_css.py: the notebook stylesheet the lesson pages share, pruned to what they use.
- search_index.py: what Material's search indexes of a page.
- page_cache.py: what is made of a page, kept by its inputs; workers.py: the build's processes.

What is made from a lesson is cached by its inputs and by `code_version()`: the files of this
package and of lesson_runner, so any change to the code that makes a page makes it anew.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@functools.cache
def code_version() -> bytes:
    """A digest of every file of site_builder/ and lesson_runner/, read once per process."""
    digest = hashlib.sha256()
    for package in (HERE, REPO / "lesson_runner"):
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()
