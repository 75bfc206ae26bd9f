"""A lesson page as readers get it, made from mkdocs-jupyter's render of the executed notebook,
and rendered ahead of MkDocs.

`lesson_page` reworks the render in one pass: it drops the script tags nbconvert's template points
at CDNs (MathJax, Mermaid: the lessons use neither, and the site must work offline); folds cells
tagged `solution` (and `drawing-code`, the code that draws the picture after it) into a collapsed
<details>; takes out the stylesheets mkdocs-jupyter inlines in every lesson (575 KB each), which
the site serves once, pruned (notebook_css.py); keeps code cells, outputs and prompts out of the
search index; makes the boxes of code that scroll reachable from the keyboard; turns a lesson's
links to another lesson's notebook (`01-reproduce-the-error.ipynb`, right inside Jupyter) into
links to its page; turns inline figures into files; takes speaker notes and slide-only cells off
the page; and puts under the title the download button (the learner's copy, learner_copy.py), the
line that installs what the lessons import (install_line.py) and the link to the deck.

MkDocs renders pages one after another, and a lesson page is the most work of them:
mkdocs-jupyter converts the notebook, `lesson_page` reworks it, and search reads it; BeautifulSoup
and nbconvert are pure Python. Every one of those steps is cached by exactly its inputs (and the
code, see page_cache). So the hook renders the lesson pages the caches lack in worker processes
(`jobs_ahead`), side by side with the decks, and MkDocs then finds each step in its cache. A page
rendered ahead is the page MkDocs would make: each step is the function the hook itself calls,
and where any input differs the page misses the cache and MkDocs renders it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import struct
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

import lesson_runner
from lesson_runner import install_line, lesson_facts
from site_builder import page_cache, search_index, slides

LESSON_PREFIX = "lessons/"
LESSON_LINK = re.compile(r"(\d\d-[a-z0-9-]+)\.ipynb(#.*)?")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg);base64,(.+)", re.S)
# Set to 0, MkDocs renders every lesson page itself, one after another (the test that proves
# rendering ahead changes nothing in the site builds both ways).
AHEAD_VARIABLE = "SHAPE_MATTERS_RENDER_AHEAD"


def is_lesson(src_uri: str) -> bool:
    return src_uri.startswith(LESSON_PREFIX) and src_uri.endswith(".ipynb")


def deck_url(src_uri: str, page_url: str) -> str:
    return get_relative_url(slides.deck_path(Path(src_uri).stem), page_url)


def lesson_page(html: str, src_uri: str, abs_src_path: str, deck_url: str, compute: bool = True) -> dict | None:
    """_lesson_page, cached by the page, its notebook, the deck's URL and the lessons there are.
    With compute=False, only what the cache holds (or None)."""
    notebook_bytes = Path(abs_src_path).read_bytes()
    lessons = sorted(path.stem for path in lesson_runner.lesson_paths())
    inputs = [html, src_uri, notebook_bytes, deck_url, *lessons, install_line.install_line()]
    return page_cache.cached(
        "lessons", inputs, lambda: _lesson_page(html, src_uri, notebook_bytes, deck_url, set(lessons)), compute
    )


def jobs_ahead(files, config) -> list[tuple]:
    """Jobs that render each lesson page ahead of MkDocs, for the lesson pages whose renders the
    caches lack: mkdocs-jupyter's conversion, `lesson_page` and what search reads of the page, each
    the step the hook itself calls."""
    settings = jupyter_settings(config)
    if settings is None or os.environ.get(AHEAD_VARIABLE) == "0" or not can_render_ahead(settings):
        return []
    from mkdocs_jupyter.plugin import NotebookFile

    jobs = []
    for file in files:
        if is_lesson(file.src_uri):
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
    try:
        html = notebook_html(abs_src_path, settings, compute)
        made = html is not None and lesson_page(html, src_uri, abs_src_path, deck_url, compute)
        if made and search_index.shortcut_taken(made["html"]):
            made = search_index.for_search(made["html"], compute)
        return bool(made)
    except Exception:  # noqa: BLE001 - MkDocs meets the same problem again and reports it
        return False


# mkdocs-jupyter's settings under which notebook_html renders a notebook exactly as its page
# render would: no execution, its cache on.
def can_render_ahead(settings: dict) -> bool:
    return not settings["execute"] and not settings["execute_ignore"] and settings["cache"]


def notebook_html(abs_src_path: str, settings: dict, compute: bool = True) -> str | None:
    """The executed notebook as mkdocs-jupyter renders it onto its page, put where its page render
    looks first: its own cache entry, made by its own functions with the arguments its render
    passes (mkdocs_jupyter/plugin.py, on_pre_page's new_render, 0.26.3). A worker process can
    then convert a lesson while MkDocs is busy elsewhere. With compute=False, only what the cache
    holds (or None). `settings`: the plugin's config, as a dict; see can_render_ahead."""
    from mkdocs_jupyter import convert
    from mkdocs_jupyter import plugin as jupyter

    key = jupyter._compute_cache_key(abs_src_path, settings, settings["execute"])
    path = jupyter._get_cache_path(settings["cache_dir"], key)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["content"]
    if not compute:
        return None
    body = convert.nb2html(
        abs_src_path,
        execute=settings["execute"],
        kernel_name=settings["kernel_name"],
        theme=settings["theme"],
        allow_errors=settings["allow_errors"],
        show_input=settings["show_input"],
        no_input=settings["no_input"],
        no_prompt=settings["no_prompt"],
        remove_tag_config=settings["remove_tag_config"],
        highlight_extra_classes=settings["highlight_extra_classes"],
        include_requirejs=settings["include_requirejs"],
        custom_mathjax_url=settings["custom_mathjax_url"],
    )
    toc_tokens, title = jupyter._get_nb_toc_tokens(abs_src_path, settings["toc_depth"])
    page_cache.write_whole(path, json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}))
    return body


# Cells folded away on the page, by tag: (tag, class of the <details>, its summary). A solution
# waits until the reader has tried; the code that draws a picture would push the picture it draws
# a screen down, so it is folded above it (Jupyter shows it as a normal cell).
FOLDED_CELLS = [
    ("solution", "success solution", "Solution"),
    ("drawing-code", "abstract drawing-code", "The code that draws the picture below"),
]


def _lesson_page(html: str, src_uri: str, notebook_bytes: bytes, deck_url: str, lessons: set[str]) -> dict:
    """The lesson page as the site serves it, with what it takes along: the stylesheets it
    inlined, its figures as files (name: base64) and its headings (title, id) in order."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        external = script.get("src") is not None or "https://" in script.get_text()
        if external or script.get("type") == "text/x-mathjax-config":
            script.decompose()
    for tag, css_class, title in FOLDED_CELLS:
        for cell in soup.select(f".celltag_{tag}"):
            if cell.find_parent(class_=f"celltag_{tag}"):
                continue  # nbconvert nests the tag class; wrap the outermost element once
            details = soup.new_tag("details", attrs={"class": css_class})
            summary = soup.new_tag("summary")
            summary.string = title
            cell.wrap(details)
            details.insert(0, summary)
    stylesheets = _take_stylesheets(soup)
    # Names and spaces are drawn in the cell's own colour (no rule styles .n; spaces show none), yet
    # Pygments gives each its span: a third of a long lesson's elements, each parsed and laid out.
    for token in soup.select(".highlight-ipynb span.n, .highlight-ipynb span.w"):
        token.unwrap()
    _keep_cells_out_of_search(soup)
    for scroller in soup.select(
        ".jp-InputArea-editor .highlight-ipynb, .jp-OutputArea-output pre, .jp-RenderedMarkdown pre"
    ):
        scroller["tabindex"] = "0"  # a box that scrolls sideways must be reachable from the keyboard
    _link_lessons_to_pages(soup, lessons)
    figures = _figures_to_files(soup)
    headings = _headings(soup)
    name = Path(src_uri).name
    download = BeautifulSoup(
        f'<p class="lesson-download"><a class="md-button" href="{name}" download>'
        f"Download this lesson as a notebook ({name})</a></p>" + _install_paragraph(),
        "html.parser",
    )
    title = soup.find("h1")
    if title:
        title.insert_after(download)  # right under the title, where a reader looks for it
    else:
        soup.insert(0, download)
    _take_off_notes(soup, src_uri, notebook_bytes)
    _link_the_deck(soup, deck_url)
    return {"html": str(soup), "stylesheets": stylesheets, "figures": figures, "headings": headings}


def _take_off_notes(soup, src_uri: str, notebook_bytes: bytes) -> None:
    """Speaker notes and slide-only cells are for the decks and the guide, not the reader."""
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


def _link_the_deck(soup, deck_url: str) -> None:
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


def _install_paragraph() -> str:
    """What a learner who downloads only this notebook installs to run it (install_line.py)."""
    return (
        f'<p class="lesson-install">To run it, install what the lessons import, as tested: '
        f"<code>{install_line.install_line()}</code>. On Linux, add "
        f"<code>--extra-index-url {install_line.CPU_INDEX}</code> for PyTorch's CPU-only build, much smaller "
        "than the CUDA build pip installs there by default. Each exercise has an empty cell to answer in; "
        "its solution is hidden under it, one click away, and Run All runs it.</p>"
    )


def _take_stylesheets(soup) -> list[str]:
    """The stylesheets the page inlines, taken out of it: the site serves them once, pruned."""
    stylesheets = []
    for style in soup.find_all("style"):
        css = style.get_text()
        # mkdocs-jupyter also writes its syntax-highlighting CSS a second time as a Python list's
        # repr ("['pre { ...']"): not CSS, and the same rules are in the first style already.
        if not css.strip().startswith("[") and css not in stylesheets:
            stylesheets.append(css)
        style.decompose()
    return stylesheets


def _keep_cells_out_of_search(soup):
    """Code cells, their outputs (tables, tracebacks, summaries) and prompts ("In [3]:") stay on
    the page but out of the search index, which then holds the lessons' prose, headings and the
    code quoted in them. Every page loads the whole index: indexed, the code cells would be most
    of it, and Material would file them all under the top of the lesson (nbconvert nests the
    headings in cells), so a hit on them would lead nowhere."""
    search_index.keep_out_of_search(soup, ".jp-OutputArea, .jp-InputPrompt, .jp-CodeCell .jp-InputArea-editor")


def _link_lessons_to_pages(soup, lessons):
    for link in soup.select("a[href]:not([download])"):
        match = LESSON_LINK.fullmatch(link["href"])
        if match and match.group(1) in lessons:
            link["href"] = f"../{match.group(1)}/{match.group(2) or ''}"


def _figures_to_files(soup) -> dict[str, str]:
    """Figures come inline, base64 in the page: a third bigger, never cached, and downloaded
    with the page even when the reader never scrolls to them. Each becomes a file next to the
    page, named by its content, with its size given (no jump when it arrives) and loaded lazily.
    Returns the files to write, name: base64."""
    figures = {}
    for image in soup.select('img[src^="data:image/"]'):
        match = DATA_IMAGE.fullmatch(image["src"])
        if match is None:
            continue
        data = base64.b64decode(match.group(2))
        kind = "jpg" if match.group(1) == "jpeg" else "png"
        name = f"figure-{hashlib.sha256(data).hexdigest()[:12]}.{kind}"
        figures[name] = match.group(2)
        image["src"] = name
        image["loading"] = "lazy"
        if kind == "png" and not image.get("width"):
            image["width"], image["height"] = (str(size) for size in struct.unpack(">II", data[16:24]))
    return figures


def _words(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _is_subsequence(short, long):
    rest = iter(long)
    return all(word in rest for word in short)


def _headings(soup) -> list[tuple[str, str]]:
    """(title, id) of the page's headings, in order, without their anchor links."""
    headings = []
    for heading in soup.select("h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]"):
        title = "".join(
            part if isinstance(part, str) else part.get_text()
            for part in heading.contents
            if not (getattr(part, "get", None) and "anchor-link" in part.get("class", []))
        ).strip()
        headings.append((title, heading["id"]))
    return headings


def toc_to_heading_ids(page, headings):
    """mkdocs-jupyter makes the table of contents from the Markdown and drops a heading's code:
    the entry for "The minimal fix: `in_features=1568`" reads "The minimal fix:" and points at
    `#the-minimal-fix`, while nbconvert's heading has the id `the-minimal-fix-in_features1568`.
    Give each entry, in order, the title and the id of the heading it was made from."""
    position = 0

    def walk(items):
        nonlocal position
        for item in items:
            for index in range(position, len(headings)):
                if _is_subsequence(_words(item.title), _words(headings[index][0])):
                    item.title, item.id = headings[index]
                    position = index + 1
                    break
            walk(item.children)

    walk(page.toc)
