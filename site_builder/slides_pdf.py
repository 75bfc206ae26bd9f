"""`make slides-pdf`: every deck of the built site printed to PDF, one page per slide.

Debian's Chromium (driven by Playwright) opens each deck from a local HTTP server on 127.0.0.1
with `?print-pdf`, reveal.js's print view, and prints it at the page size that view asks for.
The PDFs go to <site>/slides/pdf/<lesson>.pdf. A deck whose PDF has more pages than slides (a
slide too tall for its page) is reported, and the command fails.

    python -m site_builder.slides_pdf [SITE_DIR]     (default: site)
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from site_builder.slides import DECKS_DIR, HEIGHT, WIDTH

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PDF_DIR = "pdf"
# A page object of the PDF (not the /Pages tree that holds them).
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def count_pages(pdf: bytes) -> int:
    """The number of pages of a PDF as Chromium writes it (page objects are not compressed)."""
    return len(_PAGE_OBJECT.findall(pdf))


def deck_files(site: Path) -> list[Path]:
    return sorted(path for path in (site / DECKS_DIR).glob("*.html") if path.name != "index.html")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(site: Path):
    """The site on a free port of 127.0.0.1, for as long as the block runs; yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def print_deck(browser, deck_url: str, target: Path) -> tuple[int, int]:
    """Print one deck to `target`; returns (slides in the deck, pages in the PDF)."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(deck_url + "?print-pdf", wait_until="networkidle")
        # reveal.js lays the print view out after it is ready; .pdf-page elements are its pages.
        page.wait_for_function("window.Reveal && Reveal.isReady() && document.querySelector('.pdf-page') !== null")
        page.evaluate("document.fonts.ready")
        slides = page.evaluate("Reveal.getTotalSlides()")
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    return slides, count_pages(pdf)


def print_all(site: Path) -> list[str]:
    """Print every deck of `site`; returns one problem sentence per deck that went wrong."""
    from playwright.sync_api import sync_playwright

    decks = deck_files(site)
    if not decks:
        return [f"no decks in {site}/{DECKS_DIR}/: build the site first (`make build`)"]
    if not Path(CHROMIUM).exists():
        return [f"{CHROMIUM} is missing: install Debian's chromium package"]
    problems = []
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for deck in decks:
            target = site / DECKS_DIR / PDF_DIR / f"{deck.stem}.pdf"
            slides, pages = print_deck(browser, f"{url}{DECKS_DIR}/{deck.name}", target)
            print(f"{target.relative_to(site)}: {pages} pages for {slides} slides")
            if pages != slides:
                problems.append(
                    f"{DECKS_DIR}/{deck.name}: the PDF has {pages} pages for {slides} slides "
                    "(a slide too tall for one page spills onto the next)"
                )
        browser.close()
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    problems = print_all(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
