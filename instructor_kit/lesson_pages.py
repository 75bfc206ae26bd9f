"""A lesson page as the site shows it, made by the instructor kit's step (speaker notes and
slide-only cells off the reader's page, a link to the deck), and rendered ahead of MkDocs.

MkDocs renders pages one after another. A lesson page is the most work of them: mkdocs-jupyter
converts the notebook, lesson_runner's hook and this kit's hook rework it (on_page_content), and
lesson_runner's hook hands search what it indexes (on_page_context); BeautifulSoup and nbconvert
are pure Python. Every one of those steps is cached by exactly its inputs. So the instructor
kit's on_files, which runs once the lessons are executed, renders the lesson pages the caches
lack in worker processes, side by side with the decks, and MkDocs then finds each step in its
cache. A page rendered ahead is the page MkDocs would make: each step is the function the hook
itself calls, and where any input differs the page misses the cache and MkDocs renders it.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from instructor_kit import lesson_facts, slides
from lesson_runner import page_cache

LESSON_PREFIX = "lessons/"
KIT = Path(__file__).resolve().parent
# The code a page made here depends on: a change to it makes every lesson page anew.
CODE = [
    path.read_bytes()
    for path in [Path(__file__), KIT / "lesson_facts.py", KIT.parent / "lesson_runner" / "search_index.py"]
]
# Set to 0, MkDocs renders every lesson page itself, one after another (the test that proves
# rendering ahead changes nothing in the site builds both ways).
AHEAD_VARIABLE = "SHAPE_MATTERS_RENDER_AHEAD"


def deck_url(src_uri: str, page_url: str) -> str:
    return get_relative_url(slides.deck_path(Path(src_uri).stem), page_url)


def lesson_page(html: str, src_uri: str, abs_src_path: str, deck_url: str, compute: bool = True) -> dict | None:
    """_lesson_page, cached by the page, its notebook, the deck's URL and this code. With
    compute=False, only what the cache holds (or None)."""
    notebook_bytes = Path(abs_src_path).read_bytes()
    inputs = [html, src_uri, notebook_bytes, deck_url, *CODE]
    return page_cache.cached(
        "lesson-slides", inputs, lambda: {"html": _lesson_page(html, src_uri, notebook_bytes, deck_url)}, compute
    )


def jobs_ahead(files, config) -> list[tuple]:
    """Jobs that render each lesson page ahead of MkDocs, for the lesson pages whose renders the
    caches lack: mkdocs-jupyter's conversion, lesson_runner's hook and this one (on_page_content,
    in the order they run) and what search reads of the page (on_page_context). Each step is the
    one the hook itself calls, cached by exactly its inputs, so a page rendered ahead is the page
    MkDocs would make: where any input differs, the page misses the cache and MkDocs renders it."""
    from lesson_runner import mkdocs_hook as runner_hook

    settings = jupyter_settings(config)
    if settings is None or os.environ.get(AHEAD_VARIABLE) == "0" or not runner_hook.can_render_ahead(settings):
        return []
    from mkdocs_jupyter.plugin import NotebookFile

    jobs = []
    for file in files:
        if file.src_uri.startswith(LESSON_PREFIX) and file.src_uri.endswith(".ipynb"):
            # The page's URL as mkdocs-jupyter will give it (here the file is still a plain .ipynb).
            page_url = NotebookFile(file, **config).url
            arguments = (file.abs_src_path, file.src_uri, deck_url(file.src_uri, page_url), settings)
            if not render_lesson_page(*arguments, compute=False):
                jobs.append((render_lesson_page, arguments))
    return jobs


def jupyter_settings(config) -> dict | None:
    """mkdocs-jupyter's config in this build, as a dict a worker process can be sent."""
    plugin = config.plugins.get("mkdocs-jupyter")
    return None if plugin is None else dict(plugin.config)


def render_lesson_page(abs_src_path: str, src_uri: str, deck_url: str, settings: dict, compute: bool = True) -> bool:
    """Every step of the lesson page's render that ends in a cache, in the build's order; True if
    each one is cached at the end. With compute=False it only looks. A step that fails is left to
    MkDocs, which reports it where it happens."""
    from lesson_runner import mkdocs_hook as runner_hook

    try:
        html = runner_hook.notebook_html(abs_src_path, settings, compute)
        made = html is not None and runner_hook.lesson_page(html, src_uri, compute)
        made = made and lesson_page(made["html"], src_uri, abs_src_path, deck_url, compute)
        if made and runner_hook.search_shortcut_taken(made["html"]):
            made = runner_hook.what_search_reads(made["html"], compute)
        return bool(made)
    except Exception:  # noqa: BLE001 - MkDocs meets the same problem again and reports it
        return False


def _lesson_page(html: str, src_uri: str, notebook_bytes: bytes, deck_url: str) -> str:
    """The lesson page without its speaker notes and slide-only cells, with a link to its deck."""
    soup = BeautifulSoup(html, "html.parser")
    notebook = nbformat.reads(notebook_bytes.decode(), as_version=4)
    by_id = {}  # the first element with each id, as soup.find(id=...) finds it, from one walk
    for tag in soup.find_all(id=True):
        by_id.setdefault(tag["id"], tag)
    for cell in notebook.cells:
        if not (lesson_facts.is_notes(cell) or lesson_facts.is_slides_only(cell)):
            continue
        element = by_id.get(f"cell-id={cell.get('id')}")
        if element is None or element.decomposed:
            raise PluginError(
                f"{Path(src_uri).name}: cell {cell.get('id')!r} is not on the page, so it cannot be taken off it"
            )
        while element.parent is not None and "jp-Cell" in (element.parent.get("class") or []):
            element = element.parent  # nbconvert wraps code cells twice
        element.decompose()
    link = BeautifulSoup(
        f'<a class="md-button lesson-slides" href="{deck_url}">Slides for this lesson</a>', "html.parser"
    )
    download = soup.select_one("p.lesson-download")
    if download is not None:
        download.append(" ")
        download.append(link)
    else:
        paragraph = soup.new_tag("p", attrs={"class": "lesson-slides"})
        paragraph.append(link)
        soup.insert(0, paragraph)
    return str(soup)
