"""The one-page cheat sheet: the built page `cheat-sheet/` printed by Chromium to
`downloads/cheat-sheet.pdf`, at every build (site_builder/hook.py's on_post_build).

The page's numbers are computed by its ```python exec="on"``` blocks as the site is built; the PDF
is that page, printed. It is printed on a sheet of 210 × 279 mm, the width of A4 and the height of
Letter, so that it prints on either paper without scaling; `print_page` also prints at A4 or Letter
for the test that checks both give one page.

Printing costs a browser start, so the PDF is cached under `.cache/cheat-sheet/`, keyed by the
page's HTML, the stylesheets it links, the code (site_builder.code_version) and the paper: a build that changes
none of them copies the cached PDF.

    python -m site_builder.cheat_sheet [SITE_DIR]     (default: site)
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

import site_builder
from site_builder.slides_pdf import CHROMIUM, CHROMIUM_ARGS, count_pages, serve

PAGE = "cheat-sheet/index.html"
PDF = "downloads/cheat-sheet.pdf"
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "cheat-sheet"
# Fits A4 (210 × 297 mm) and Letter (215.9 × 279.4 mm).
BOTH_PAPERS = {"width": "210mm", "height": "279mm"}
PAPERS = {"A4": {"format": "A4"}, "Letter": {"format": "Letter"}, "both": BOTH_PAPERS}
MARGIN = {"top": "9mm", "bottom": "9mm", "left": "10mm", "right": "10mm"}
# The page printed: only its article (Material's print styles already drop the header, the
# navigation and the footer), small type in two columns, no block split across a column.
PRINT_CSS = """
@media print {
  .md-typeset { font-size: 7.6pt; line-height: 1.35; }
  .md-content__inner { margin: 0; padding: 0; }
  .md-content__inner > h1 { font-size: 13pt; margin: 0 0 0.4em; column-span: all; }
  .md-content__inner > h1 + p { column-span: all; }
  .md-content__inner { columns: 2; column-gap: 7mm; }
  .md-typeset h2 { font-size: 9.5pt; margin: 0.7em 0 0.3em; break-after: avoid; }
  .md-typeset pre, .md-typeset table, .md-typeset li, .md-typeset p { break-inside: avoid; }
  .md-typeset pre > code { font-size: 6.6pt; padding: 0.4em 0.6em; white-space: pre-wrap; }
  .md-typeset table:not([class]) { font-size: 7.2pt; }
  .md-typeset table:not([class]) td, .md-typeset table:not([class]) th { padding: 0.25em 0.6em; }
  .md-typeset p, .md-typeset ul, .md-typeset ol { margin: 0.3em 0; }
  .md-source-file, .md-content__button, .headerlink, .md-footer, .md-dialog, .md-top, .md-sidebar,
  .md-header, .md-tabs, .md-search, .md-clipboard { display: none !important; }
  html, body, .md-container, .md-main, .md-main__inner, .md-content { height: auto !important;
    min-height: 0 !important; margin: 0 !important; padding: 0 !important; }
}
"""
_STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"')


class CheatSheetError(Exception):
    pass


def cache_key(site: Path, paper: str = "both") -> str:
    """The page's bytes, the site's stylesheets it links, this module and the paper."""
    html = (site / PAGE).read_bytes()
    digest = hashlib.sha256(html + site_builder.code_version() + paper.encode())
    for href in _STYLESHEET.findall(html.decode()):
        stylesheet = (site / PAGE).parent / href.split("?")[0]
        if stylesheet.is_file():
            digest.update(stylesheet.read_bytes())
    return digest.hexdigest()[:24]


def print_page(browser, url: str, paper: str = "both") -> bytes:
    page = browser.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        page.add_style_tag(content=PRINT_CSS)
        # A link in the PDF would lead to the local server that printed it, gone once printed.
        page.evaluate("document.querySelectorAll('a[href]').forEach((link) => link.removeAttribute('href'))")
        page.evaluate("document.fonts.ready")
        return page.pdf(**PAPERS[paper], margin=MARGIN, print_background=True)
    finally:
        page.close()


def print_pages(site: Path, papers: list[str]) -> dict[str, bytes]:
    """The built cheat sheet printed on each paper, fresh (no cache)."""
    from playwright.sync_api import sync_playwright

    if not (site / PAGE).is_file():
        raise CheatSheetError(f"{site}/{PAGE} is missing: build the site first")
    if not Path(CHROMIUM).exists():
        raise CheatSheetError(f"{CHROMIUM} is missing: install Debian's chromium package")
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return {paper: print_page(browser, url + PAGE.removesuffix("index.html"), paper) for paper in papers}
        finally:
            browser.close()


# Chromium writes the time of printing into the PDF: two builds of the same page would differ.
_PRINT_TIME = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}")


def without_print_time(pdf: bytes) -> bytes:
    """The PDF with a fixed date in place of the time it was printed (as many bytes, so the PDF's
    table of offsets stays right): the same page always prints to the same file."""
    return _PRINT_TIME.sub(lambda match: b"/" + match.group(1) + b" (D:20000101000000", pdf)


def publish(site: Path) -> Path:
    """Write <site>/downloads/cheat-sheet.pdf, from the cache when the page is unchanged."""
    cached = CACHE_DIR / f"{cache_key(site)}.pdf"
    if not cached.is_file():
        pdf = without_print_time(print_pages(site, ["both"])["both"])
        if count_pages(pdf) != 1:
            raise CheatSheetError(
                f"{PAGE} prints on {count_pages(pdf)} pages; the cheat sheet must fit one: shorten it"
            )
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.write_bytes(pdf)
        partial.replace(cached)
    target = site / PDF
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    return target


if __name__ == "__main__":
    print(publish(Path(sys.argv[1] if len(sys.argv) > 1 else "site")))
