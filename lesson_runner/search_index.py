"""What stays out of the site's search index, which every page loads in full."""

from __future__ import annotations


def keep_out_of_search(soup, selector: str) -> None:
    """The elements `selector` matches stay on the page but out of the search index.

    Material's indexer tells excluded elements apart by tag name only (it stops skipping at the
    first closing tag of the same name), so the mark goes on every element that holds no element
    of its own tag: each run of text is then inside a marked element."""
    for area in soup.select(selector):
        for element in [area, *area.find_all(True)]:
            if element.find(element.name) is None:
                element["data-search-exclude"] = ""
