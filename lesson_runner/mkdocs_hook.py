"""MkDocs hook: put the executed lessons on the site.

- on_files: lints every lesson and its two places in the nav (lesson_runner/lint.py): a missed
  convention stops the build before anything executes. Then executes the lessons that are not
  cached yet (see lesson_runner) and adds each executed copy as the page `lessons/NN-slug.ipynb`;
  mkdocs-jupyter then renders it without running it again. A lesson with a problem stops the
  build with a sentence per problem.
- on_page_content: wraps cells tagged `solution` (and `drawing-code`, the code that draws the
  picture after it) in a collapsed <details>, and drops the
  script tags nbconvert's template points at CDNs (MathJax, Mermaid): the lessons use neither,
  and the site must work offline.
  It also puts a download button for the lesson's notebook at the top of the page, and under it
  the line that installs what the lessons import (install_line.py).
  For readers and their browsers it also: takes out the stylesheets mkdocs-jupyter inlines in
  every lesson (575 KB each) to serve them once, pruned, as assets/stylesheets/notebook.css (see
  notebook_css.py); keeps code cells, outputs and prompts out of the search index; makes the
  boxes of code that scroll reachable from the keyboard; turns a lesson's links to another
  lesson's notebook (`01-reproduce-the-error.ipynb`, right inside Jupyter) into links to its page;
  and points the table of contents at the ids the headings really have.
  What it makes of a page is cached by the page and this code (page_cache.py): a warm build
  parses no lesson page.
- on_page_context: hands Material's search plugin each page without the parts marked
  data-search-exclude (it parsed them only to skip them), then gives the page its whole content
  back; the site and its search index come out byte for byte the same (a test builds it both ways).
- on_post_page: writes the learner's copy of the lesson (no outputs, exercises to do:
  learner_copy.py) next to the page, where that button points. On lesson pages it links the
  shared notebook stylesheet; on_post_build writes it.
- on_config, on_page_markdown: a ```python exec="on"``` block of docs/ (run by markdown-exec as
  the page is built, printing the Markdown that goes on the page) that raises fails the strict
  build with markdown-exec's warning, which shows the block and its traceback; the hook adds the
  page it is on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import struct
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lesson_runner  # noqa: E402
from lesson_runner import install_line, learner_copy, lint, notebook_css, page_cache, search_index, workers  # noqa: E402
from lesson_runner.search_index import keep_out_of_search  # noqa: E402

LESSON_PREFIX = "lessons/"
NOTEBOOK_CSS = "assets/stylesheets/notebook.css"
LESSON_LINK = re.compile(r"(\d\d-[a-z0-9-]+)\.ipynb(#.*)?")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg);base64,(.+)", re.S)

# Collected over one build: the stylesheets the lesson pages inlined, and the pages themselves.
_build = {"stylesheets": [], "lesson_pages": []}


def _is_lesson(page) -> bool:
    return page.file.src_uri.startswith(LESSON_PREFIX) and page.file.src_uri.endswith(".ipynb")


class _NameThePage(logging.Filter):
    """Puts `docs/<page>: ` before each message of markdown-exec's loggers while a page is built."""

    names_the_page = True  # how a filter left by an earlier build of `mkdocs serve` is found
    page: str | None = None

    def filter(self, record):
        if self.page is not None:
            record.msg = f"docs/{self.page}: {record.msg}"
        return True


_page_namer = _NameThePage()


def on_config(config):
    # A filter acts only on records logged by its own logger, so it goes on each of markdown-exec's
    # (its plugin, imported by now, has made them).
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith("mkdocs.plugins.markdown_exec"):
            logger = logging.getLogger(name)
            for old in [old for old in logger.filters if getattr(old, "names_the_page", False)]:
                logger.removeFilter(old)
            logger.addFilter(_page_namer)
    return config


def on_page_markdown(markdown, page, config, files):
    _page_namer.page = page.file.src_uri  # until the next page's Markdown: its blocks run in between
    return markdown


def on_pre_build(config):
    _build["stylesheets"].clear()
    _build["lesson_pages"].clear()


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files, config):
    # The conventions first, every one at once, before anything executes. Outputs kept in a lesson
    # being edited do not stop a build (the site shows its own run's); the tests and the linter's
    # command hold a commit to them.
    nav = lint.nav_entries(config["nav"]) if config.get("nav") else None  # none: MkDocs makes one
    missed = lint.lint_lessons(lint.lesson_files(), nav, committed=False)
    if missed:
        raise PluginError(
            "These lessons miss conventions of CONTRIBUTING.md (python -m lesson_runner.lint checks them):\n"
            + "\n".join(f"  - {problem}" for problem in missed)
        )
    # Workers for this build (see workers.py): what is made from a lesson starts in them as soon
    # as that lesson is executed. Forked now, before the execution's threads and kernels.
    if not lesson_runner.all_cached():
        workers.open_workers()
    try:
        executed = lesson_runner.execute_lessons(
            when_executed=lambda lesson: workers.hand_over(lesson, _lesson_file(lesson, config), config)
        )
        problems = [problem for lesson in executed for problem in lesson.problems]
        if problems:
            raise PluginError(
                "These lessons did not run as they promise:\n" + "\n".join(f"  - {problem}" for problem in problems)
            )
    except BaseException:
        workers.close_workers()  # the build stops here (on_build_error closes them too, later)
        raise
    for lesson in executed:
        files.append(_lesson_file(lesson, config))
    return files


def _lesson_file(lesson, config) -> File:
    """The executed lesson as the page `lessons/NN-slug.ipynb`, read from its cache folder."""
    key_folder = lesson_runner.cached_notebook_path(lesson.path).parent.parent
    return File(
        LESSON_PREFIX + lesson.path.name,
        src_dir=str(key_folder),
        dest_dir=config["site_dir"],
        use_directory_urls=config["use_directory_urls"],
    )


def on_page_content(html, page, config, files):
    if not _is_lesson(page):
        return html
    made = lesson_page(html, page.file.src_uri)
    for css in made["stylesheets"]:
        if css not in _build["stylesheets"]:
            _build["stylesheets"].append(css)
    folder = Path(config["site_dir"]) / Path(page.file.dest_uri).parent
    for name, data in made["figures"].items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(base64.b64decode(data))
    _toc_to_heading_ids(page, made["headings"])
    return made["html"]


def lesson_page(html: str, src_uri: str, compute: bool = True) -> dict | None:
    """_lesson_page, cached by the page and this code: for this hook's on_page_content, and for
    rendering lesson pages ahead of MkDocs (instructor_kit's hook). With compute=False, only
    what the cache holds (or None)."""
    lessons = sorted(path.stem for path in lesson_runner.lesson_paths())
    inputs = [html, src_uri, *lessons, *_CODE, install_line.install_line()]
    return page_cache.cached("lessons", inputs, lambda: _lesson_page(html, src_uri, set(lessons)), compute)


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

# The code whose answers the page cache keeps, besides the page: a change to it makes every page
# anew. Read once per build (MkDocs loads a hook afresh for each build, `mkdocs serve` too).
_HERE = Path(__file__).parent
_CODE = [(_HERE / name).read_bytes() for name in ["mkdocs_hook.py", "search_index.py"]]
_SEARCH_CODE = (_HERE / "search_index.py").read_bytes()
_CSS_CODE = (_HERE / "notebook_css.py").read_bytes()


def _lesson_page(html, src_uri, lessons) -> dict:
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
    return {"html": str(soup), "stylesheets": stylesheets, "figures": figures, "headings": headings}


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
    keep_out_of_search(soup, ".jp-OutputArea, .jp-InputPrompt, .jp-CodeCell .jp-InputArea-editor")


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


def _toc_to_heading_ids(page, headings):
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


# Set to 1, Material's search plugin reads whole pages again (the test that proves the shortcut
# below changes nothing in the site builds both ways).
WHOLE_PAGES_VARIABLE = "SHAPE_MATTERS_SEARCH_READS_WHOLE_PAGES"
_whole_pages: dict[str, tuple[str, bool]] = {}  # page: (its whole content, any mark search takes out)


@event_priority(50)  # before Material's search plugin (0) indexes the page
def _hand_search_what_it_indexes(context, page, config, nav):
    """Search gets the page without its marked-out parts: it would parse them only to skip them."""
    if not search_shortcut_taken(page.content):
        return context
    whole = page.content
    made = what_search_reads(whole)
    _whole_pages[page.file.src_uri] = (whole, made["marked"])
    page.content = made["html"]
    return context


def search_shortcut_taken(html: str) -> bool:
    return "data-search-exclude" in html and os.environ.get(WHOLE_PAGES_VARIABLE) != "1"


def what_search_reads(whole: str, compute: bool = True) -> dict | None:
    """The page as search is handed it, and whether anything was marked out of it; cached. With
    compute=False, only what the cache holds (or None)."""
    return page_cache.cached(
        "search",
        [whole, _SEARCH_CODE],
        lambda: {"html": search_index.what_search_reads(whole), "marked": search_index.has_marks(whole)},
        compute,
    )


@event_priority(-50)  # after it: the page itself is rendered from all of its content
def _give_the_page_back(context, page, config, nav):
    whole, marked = _whole_pages.pop(page.file.src_uri, (None, False))
    if whole is not None:
        page.content = search_index.after_search(whole) if marked else whole
    return context


on_page_context = CombinedEvent(_hand_search_what_it_indexes, _give_the_page_back)


def on_post_page(output, page, config):
    if _is_lesson(page):
        _build["lesson_pages"].append(output)
        stylesheet = f'<link rel="stylesheet" href="{get_relative_url(NOTEBOOK_CSS, page.url)}">'
        # After Material's own stylesheets, before extra_css: the site's CSS can override it.
        palette = re.search(
            r'<link rel="stylesheet" href="[^"]*assets/stylesheets/palette\.[0-9a-f]+\.min\.css">', output
        )
        at = palette.end() if palette else output.index("</head>")
        output = output[:at] + stylesheet + output[at:]
        source = lesson_runner.LESSONS_DIR / Path(page.file.src_uri).name
        page_folder = Path(page.file.abs_dest_path).parent
        page_folder.mkdir(parents=True, exist_ok=True)  # the page itself is written after this event
        learner_copy.write_learner_copy(source, page_folder / source.name)
    return output


def on_post_build(config):
    if _build["stylesheets"]:
        target = Path(config["site_dir"]) / NOTEBOOK_CSS
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_used_css_cached(_build["stylesheets"], _build["lesson_pages"]))
    workers.close_workers()


def on_build_error(error):
    workers.close_workers()


def _used_css_cached(stylesheets, pages_html):
    """used_css, reused whole when the pages and stylesheets are those of the last build. Otherwise
    each page's part (which selectors match it) is reused if that page is unchanged and computed,
    for the pages that changed, in parallel: it parses the page and tries every selector on it."""
    digest = hashlib.sha256("\0".join([*stylesheets, "\0", *pages_html]).encode()).hexdigest()[:32]
    cached = lesson_runner.CACHE_DIR.parent / "notebook-css" / f"{digest}.css"
    if not cached.exists():
        rules = notebook_css.parse(stylesheets)
        selectors = notebook_css.selectors_of(rules)
        inputs = ["\0".join(selectors), _CSS_CODE]
        answers = [page_cache.look_up("notebook-css", [*inputs, html]) for html in pages_html]
        missing = [number for number, answer in enumerate(answers) if answer is None]
        computed = page_cache.make_side_by_side(
            notebook_css.what_a_page_uses, [(pages_html[number], selectors) for number in missing]
        )
        for number, answer in zip(missing, computed):
            answers[number] = page_cache.store("notebook-css", [*inputs, pages_html[number]], answer)
        css = notebook_css.combine(rules, answers)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(css)
    return cached.read_text()
