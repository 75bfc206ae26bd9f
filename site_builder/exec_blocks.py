"""The page in markdown-exec's warnings. A ```python exec="on"``` block of docs/ runs as its page is
built and prints the Markdown that goes on the page; one that raises fails the strict build with
markdown-exec's warning, which shows the block and its traceback but not the page: this adds
`docs/<page>: ` before it."""

from __future__ import annotations

import logging


class _NameThePage(logging.Filter):
    """Puts `docs/<page>: ` before each message of markdown-exec's loggers while a page is built."""

    names_the_page = True  # how a filter left by an earlier build of `mkdocs serve` is found
    page: str | None = None

    def filter(self, record):
        if self.page is not None:
            record.msg = f"docs/{self.page}: {record.msg}"
        return True


_page_namer = _NameThePage()


def name_pages_in_warnings() -> None:
    """At on_config. A filter acts only on records logged by its own logger, so it goes on each of
    markdown-exec's (its plugin, imported by now, has made them)."""
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith("mkdocs.plugins.markdown_exec"):
            logger = logging.getLogger(name)
            for old in [old for old in logger.filters if getattr(old, "names_the_page", False)]:
                logger.removeFilter(old)
            logger.addFilter(_page_namer)


def building(src_uri: str) -> None:
    """At on_page_markdown: this page's blocks run next, until the next page's Markdown."""
    _page_namer.page = src_uri
