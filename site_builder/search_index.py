"""What stays out of the site's search index, which every page loads in full."""

from __future__ import annotations

import os
import re

from bs4 import BeautifulSoup

from site_builder import page_cache

# Set to 1, Material's search plugin reads whole pages again (the test that proves the shortcut
# of hook.py's on_page_context changes nothing in the site builds both ways).
WHOLE_PAGES_VARIABLE = "SHAPE_MATTERS_SEARCH_READS_WHOLE_PAGES"


def keep_out_of_search(soup, selector: str) -> None:
    """The elements `selector` matches stay on the page but out of the search index.

    Material's indexer tells excluded elements apart by tag name only (it stops skipping at the
    first closing tag of the same name), so the mark goes on every element that holds no element
    of its own tag: each run of text is then inside a marked element."""
    for area in soup.select(selector):
        for element in [area, *area.find_all(True)]:
            if element.find(element.name) is None:
                element["data-search-exclude"] = ""


# What Material's search plugin does to a page once it has indexed it (material/plugins/search/
# plugin.py, on_page_context): it takes its own marks out. The same pattern, for the page it gets back.
_SEARCH_MARKS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def what_search_reads(html: str) -> str:
    """The page without the elements marked data-search-exclude: what the search index is made of.

    Material's indexer parses a page in pure Python, marked parts included, only to skip them; on a
    lesson page they are most of the HTML (code, outputs, tracebacks)."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select("[data-search-exclude]"):
        if not element.decomposed:
            element.decompose()
    return str(soup)


def has_marks(html: str) -> bool:
    return _SEARCH_MARKS.search(html) is not None


def after_search(html: str) -> str:
    return _SEARCH_MARKS.sub("", html)


def shortcut_taken(html: str) -> bool:
    """Whether search is handed this page without its marked parts (see the hook's on_page_context)."""
    return "data-search-exclude" in html and os.environ.get(WHOLE_PAGES_VARIABLE) != "1"


def for_search(whole: str, compute: bool = True) -> dict | None:
    """The page as search is handed it, and whether anything was marked out of it; cached. With
    compute=False, only what the cache holds (or None)."""
    return page_cache.cached(
        "search", [whole], lambda: {"html": what_search_reads(whole), "marked": has_marks(whole)}, compute
    )
