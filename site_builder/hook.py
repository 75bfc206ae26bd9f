"""The MkDocs hook: the site, made from the executed lessons. mkdocs.yml names this file alone.

- on_files: lints every lesson and its two places in the nav (lesson_runner/lint.py): a missed
  convention stops the build before anything executes. Then executes the lessons the cache lacks
  (lesson_runner), and adds to the site each executed copy as the page `lessons/NN-slug.ipynb`
  (mkdocs-jupyter renders it without running it again), one reveal.js deck per lesson
  (`slides/<slug>.html`), `slides/index.html`, the reveal.js files they load, and one guide page
  per lesson (`instructors/<slug>.md`), and Pyodide for the shape calculator
  (calculator_runtime.py). A lesson with a problem stops the build with a sentence per problem.
  Each lesson's page and deck start rendering in worker processes as soon as it is executed
  (workers.py, lesson_pages.jobs_ahead); what is still missing then (after a prose edit: the
  edited lesson's page and deck) renders there while MkDocs reads the other pages.
- on_config, on_page_markdown: name the page in the warning of a ```python exec="on"``` block that
  raises (exec_blocks.py); on_page_markdown also fills the schedule into `instructors/index.md`
  and the shape calculator's counts on real models into its page, and waits for a lesson page
  rendered ahead before mkdocs-jupyter reads it from the cache.
- on_env: waits for the decks, which MkDocs then copies from their cache files.
- on_page_content: a lesson page as readers get it (lesson_pages.py, cached); on a guide page, the
  live-coding script's code and output kept out of the search index.
- on_page_context: hands Material's search plugin each page without the parts marked
  data-search-exclude (it parsed them only to skip them), then gives the page its whole content
  back; the site and its search index come out byte for byte the same (a test builds it both ways).
- on_post_page: links the shared notebook stylesheet from each lesson page and writes the
  learner's copy of the lesson (no outputs, an empty cell before each hidden solution:
  lesson_runner/learner_copy.py) next to it, where its download button points.
- on_post_build: writes the shared notebook stylesheet, pruned to what the lesson pages use, and
  prints the cheat sheet to downloads/cheat-sheet.pdf (cheat_sheet.py).
"""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lesson_runner  # noqa: E402
from lesson_runner import install_line, learner_copy, lesson_facts, lint  # noqa: E402
from site_builder import (  # noqa: E402
    calculator_runtime,
    cheat_sheet,
    exec_blocks,
    guide,
    lesson_pages,
    notebook_css,
    page_cache,
    search_index,
    slides,
    workers,
)

NOTEBOOK_CSS = "assets/stylesheets/notebook.css"
DECKS_INDEX = f"{slides.DECKS_DIR}/index.html"
# Where a page of docs/ gives the line that installs what the lessons import (install_line.py).
INSTALL_LINE_MARK = "<!-- install line -->"
# What the workers import when they start, while the kernel template imports torch: the modules
# of the jobs handed to them.
WARM_UP = ["site_builder.slides", "site_builder.lesson_pages", "mkdocs_jupyter.convert"]

# Collected over one build: the stylesheets the lesson pages inlined, the pages themselves, and
# the facts read from the lessons.
_build: dict = {"stylesheets": [], "lesson_pages": [], "facts": [], "deck_requests": []}


def on_config(config):
    exec_blocks.name_pages_in_warnings()
    return config


def on_pre_build(config):
    _build["stylesheets"].clear()
    _build["lesson_pages"].clear()
    _build["facts"] = []
    _build["deck_requests"] = []


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
    # Workers for this build: what is made from a lesson starts in them as soon as that lesson is
    # executed. Forked now, before the execution's threads and kernels.
    if not lesson_runner.all_cached():
        workers.open_workers(WARM_UP)
    try:
        executed = lesson_runner.execute_lessons(
            when_executed=lambda lesson: workers.hand_over(lambda: _render_early(lesson, config))
        )
        problems = [problem for lesson in executed for problem in lesson.problems]
        if problems:
            raise PluginError(
                "These lessons did not run as they promise:\n" + "\n".join(f"  - {problem}" for problem in problems)
            )
        for lesson in executed:
            files.append(_lesson_file(lesson, config))
        _add_decks_and_guide(executed, files, config)
        _render_the_rest(files, config)
        calculator_runtime.add_pyodide(files, config)
    except BaseException:
        workers.close_workers()  # the build stops here (on_build_error closes them too, later)
        raise
    return files


def _lesson_file(lesson, config) -> File:
    """The executed lesson as the page `lessons/NN-slug.ipynb`, read from its cache folder."""
    key_folder = lesson_runner.cached_notebook_path(lesson.path).parent.parent
    return File(
        lesson_pages.LESSON_PREFIX + lesson.path.name,
        src_dir=str(key_folder),
        dest_dir=config["site_dir"],
        use_directory_urls=config["use_directory_urls"],
    )


def _lesson_dest(path: Path, config) -> str:
    """Where the lesson's page is written in the site, e.g. lessons/01-x/index.html."""
    prefix = lesson_pages.LESSON_PREFIX
    return f"{prefix}{path.stem}/index.html" if config["use_directory_urls"] else f"{prefix}{path.stem}.html"


def _deck_request(lesson, facts, config) -> tuple:
    deck_uri = slides.deck_path(facts.slug)
    lesson_url = get_relative_url(_lesson_dest(lesson.path, config), deck_uri)
    return (lesson.path, lesson.notebook, facts, lesson_url, get_relative_url(DECKS_INDEX, deck_uri))


def _render_early(lesson, config) -> list[tuple]:
    """Jobs that render this executed lesson's deck and page into their caches, those they lack."""
    request = _deck_request(lesson, lesson_facts.read(lesson.path, lesson.notebook), config)
    return slides.deck_jobs([request]) + lesson_pages.jobs_ahead([_lesson_file(lesson, config)], config)


def _add_decks_and_guide(executed, files, config) -> None:
    """The decks, their index and reveal.js, and a guide page per lesson, as generated files."""
    try:
        facts = lesson_facts.read_all((lesson.path, lesson.notebook) for lesson in executed)
        reveal = slides.reveal_files()
    except lesson_facts.LessonFactsError as error:
        raise PluginError(
            "The instructor guide cannot be made from these lessons:\n" + "\n".join(f"  - {p}" for p in error.problems)
        ) from None
    except slides.SlidesError as error:
        raise PluginError(f"The slides cannot be made: {error}") from None

    def add(src_uri, **source):
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, src_uri, **source))

    for src_uri, path in reveal:
        add(src_uri, abs_src_path=str(path))
    requests = [_deck_request(lesson, lesson_info, config) for lesson, lesson_info in zip(executed, facts)]
    _build["deck_requests"] = requests
    listed = []
    for lesson, lesson_info, request in zip(executed, facts, requests):
        deck_uri = slides.deck_path(lesson_info.slug)
        # Copied from its cache file with the site's other files, after every page is read: the
        # decks still missing render meanwhile (_render_the_rest, on_env).
        add(deck_uri, abs_src_path=str(slides.deck_file(request)))
        lesson_uri = lesson_pages.LESSON_PREFIX + lesson.path.name
        add(guide.guide_path(lesson_info.slug), content=guide.lesson_page(lesson_info, lesson_uri, deck_uri))
        listed.append((lesson_info, get_relative_url(_lesson_dest(lesson.path, config), DECKS_INDEX)))
    guide_dest = f"{guide.GUIDE_DIR}/index.html"
    add(
        DECKS_INDEX,
        content=slides.index_page(
            listed, get_relative_url(guide_dest, DECKS_INDEX), get_relative_url("index.html", DECKS_INDEX)
        ),
    )
    _build["facts"] = facts


def _render_the_rest(files, config) -> None:
    """The decks and lesson pages the caches still lack, rendered in the workers while MkDocs reads
    the other pages: a lesson page is awaited just before MkDocs renders it (on_page_markdown), the
    decks before the site's files are copied (on_env). In a cold build the workers have rendered
    nearly all of them while the lessons executed; after a prose edit, only the edited lesson's."""
    workers.wait_for_handed()  # the jobs below are those that are missing once these are done
    jobs = slides.deck_jobs(_build["deck_requests"]) + lesson_pages.jobs_ahead(files, config)
    if not jobs:
        return
    if not workers.early_wanted():  # each render waits for the build: all of them here, side by side
        page_cache.run_side_by_side(jobs)
        return
    if not workers.are_open():
        workers.open_workers(WARM_UP)
    workers.hand_over(lambda: jobs)


def on_env(env, config, files):
    """Every deck rendered before MkDocs copies the decks' cache files into the site. A deck whose
    render failed in a worker is rendered here again, so that its problem is reported as a sentence."""
    workers.wait_for_handed()
    try:
        slides.cached_decks(_build["deck_requests"])
    except slides.SlidesError as error:
        raise PluginError(f"The slides cannot be made: {error}") from None
    return env


def on_page_markdown(markdown, page, config, files):
    exec_blocks.building(page.file.src_uri)
    if lesson_pages.is_lesson(page.file.src_uri):
        workers.wait_for_handed()  # its page, rendered ahead, is read from the cache next
    markdown = calculator_runtime.fill_counts(markdown)
    markdown = markdown.replace(INSTALL_LINE_MARK, f"`{install_line.install_line()}`")
    if page.file.src_uri != f"{guide.GUIDE_DIR}/index.md":
        return markdown
    if guide.SCHEDULE_PLACEHOLDER not in markdown:
        raise PluginError(f"docs/{page.file.src_uri} must contain {guide.SCHEDULE_PLACEHOLDER} where the schedule goes")
    rows = [(facts, guide.guide_path(facts.slug), slides.deck_path(facts.slug)) for facts in _build["facts"]]
    return markdown.replace(guide.SCHEDULE_PLACEHOLDER, guide.schedule(rows))


def on_page_content(html, page, config, files):
    src_uri = page.file.src_uri
    if src_uri.startswith(f"{guide.GUIDE_DIR}/") and src_uri != f"{guide.GUIDE_DIR}/index.md":
        return page_cache.cached("guide", [html], lambda: {"html": _guide_page(html)})["html"]
    if not lesson_pages.is_lesson(src_uri):
        return html
    deck_url = lesson_pages.deck_url(src_uri, page.file.url)
    made = lesson_pages.lesson_page(html, src_uri, page.file.abs_src_path, deck_url)
    for css in made["stylesheets"]:
        if css not in _build["stylesheets"]:
            _build["stylesheets"].append(css)
    folder = Path(config["site_dir"]) / Path(page.file.dest_uri).parent
    for name, data in made["figures"].items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(base64.b64decode(data))
    lesson_pages.toc_to_heading_ids(page, made["headings"])
    return made["html"]


def _guide_page(html: str) -> str:
    """The script's code and what it prints are the lesson's own, already on its page: indexed,
    they would be most of the search index that every page loads, and a hit on them would lead
    away from the lesson."""
    soup = BeautifulSoup(html, "html.parser")
    search_index.keep_out_of_search(soup, ".highlight")
    return str(soup)


_whole_pages: dict[str, tuple[str, bool]] = {}  # page: (its whole content, any mark search takes out)


@event_priority(50)  # before Material's search plugin (0) indexes the page
def _hand_search_what_it_indexes(context, page, config, nav):
    """Search gets the page without its marked-out parts: it would parse them only to skip them."""
    if not search_index.shortcut_taken(page.content):
        return context
    whole = page.content
    made = search_index.for_search(whole)
    _whole_pages[page.file.src_uri] = (whole, made["marked"])
    page.content = made["html"]
    return context


@event_priority(-50)  # after it: the page itself is rendered from all of its content
def _give_the_page_back(context, page, config, nav):
    whole, marked = _whole_pages.pop(page.file.src_uri, (None, False))
    if whole is not None:
        page.content = search_index.after_search(whole) if marked else whole
    return context


on_page_context = CombinedEvent(_hand_search_what_it_indexes, _give_the_page_back)


def on_post_page(output, page, config):
    if lesson_pages.is_lesson(page.file.src_uri):
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
        target.write_text(notebook_css.used_css_cached(_build["stylesheets"], _build["lesson_pages"]))
    workers.close_workers()
    # Printed from the built page by Chromium (cheat_sheet.py), cached by its bytes.
    try:
        cheat_sheet.publish(Path(config["site_dir"]))
    except cheat_sheet.CheatSheetError as error:
        raise PluginError(f"The cheat sheet cannot be printed: {error}") from None


def on_build_error(error):
    workers.close_workers()
