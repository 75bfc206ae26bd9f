"""MkDocs hook: the slides and the instructor guide, made from the lessons at every build.

- on_files (after lesson_runner's hook has executed the lessons): adds to the site, as generated
  files, one reveal.js deck per lesson (`slides/<slug>.html`), `slides/index.html`, the reveal.js
  files they load (from node_modules/), and one guide page per lesson (`instructors/<slug>.md`).
  A lesson that lacks what the guide needs stops the build with a sentence per problem.
- on_page_markdown: fills the schedule into `instructors/index.md`.
- on_page_content: takes speaker notes and slide-only cells off the reader's lesson page, and puts
  a link to the lesson's deck next to its download button. On a lesson's guide page it keeps the
  live-coding script's code and expected output out of the search index.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lesson_runner  # noqa: E402
from instructor_kit import cheat_sheet, guide, lesson_facts, lesson_pages, slides  # noqa: E402
from lesson_runner import page_cache, workers  # noqa: E402
from lesson_runner.search_index import keep_out_of_search  # noqa: E402

LESSON_PREFIX = "lessons/"
KIT = Path(__file__).resolve().parent
LESSON_RUNNER = KIT.parent / "lesson_runner"
# The code whose answers the page cache keeps, read once per build (MkDocs loads a hook afresh
# for each build).
_CODE = [path.read_bytes() for path in [Path(__file__), KIT / "lesson_facts.py", LESSON_RUNNER / "search_index.py"]]
# What this build read from the lessons, for the page events.
_BUILD = {"lessons": []}


def _lesson_uri(path: Path) -> str:
    return LESSON_PREFIX + path.name


def _lesson_dest(path: Path, config) -> str:
    """Where the lesson's page is written in the site, e.g. lessons/01-x/index.html."""
    return (
        f"{LESSON_PREFIX}{path.stem}/index.html" if config["use_directory_urls"] else f"{LESSON_PREFIX}{path.stem}.html"
    )


def on_config(config):
    # A lesson's deck and page start rendering as soon as it is executed (lesson_runner/workers.py).
    workers.plan("instructor_kit", _render_early, WARM_UP)
    return config


# What the early renders import: the workers import it while the kernel template imports torch.
WARM_UP = [
    "instructor_kit.slides",
    "instructor_kit.lesson_pages",
    "lesson_runner.mkdocs_hook",
    "mkdocs_jupyter.convert",
]


def _render_early(lesson, file, config) -> list[tuple]:
    """Jobs that render this executed lesson's deck and page into their caches, those they lack."""
    request = _deck_request(lesson, lesson_facts.read(lesson.path, lesson.notebook), config)
    return slides.deck_jobs([request]) + lesson_pages.jobs_ahead([file], config)


def _deck_request(lesson, lesson_info, config) -> tuple:
    deck_uri = slides.deck_path(lesson_info.slug)
    lesson_url = get_relative_url(_lesson_dest(lesson.path, config), deck_uri)
    return (lesson.path, lesson.notebook, lesson_info, lesson_url, get_relative_url(_INDEX_URI, deck_uri))


_INDEX_URI = f"{slides.DECKS_DIR}/index.html"


@event_priority(50)  # after lesson_runner's on_files (100) has executed every lesson
def on_files(files, config):
    executed = lesson_runner.execute_lessons()  # from the cache lesson_runner's hook has just filled
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
    index_uri = _INDEX_URI
    listed = []
    requests = [_deck_request(lesson, lesson_info, config) for lesson, lesson_info in zip(executed, facts)]
    try:
        # The decks the cache lacks and the lesson pages MkDocs will render, side by side (one
        # process per core): each job fills a cache that the build then reads. Most were handed to
        # the workers as their lessons were executed; what is still rendering there is awaited.
        workers.wait_for_handed()
        page_cache.run_side_by_side(slides.deck_jobs(requests) + lesson_pages.jobs_ahead(files, config))
        decks = slides.cached_decks(requests)
    except slides.SlidesError as error:
        raise PluginError(f"The slides cannot be made: {error}") from None
    for lesson, lesson_info, deck in zip(executed, facts, decks):
        deck_uri = slides.deck_path(lesson_info.slug)
        add(deck_uri, content=deck)
        add(
            guide.guide_path(lesson_info.slug),
            content=guide.lesson_page(lesson_info, _lesson_uri(lesson.path), deck_uri),
        )
        listed.append((lesson_info, get_relative_url(_lesson_dest(lesson.path, config), index_uri)))
    guide_dest = f"{guide.GUIDE_DIR}/index.html"
    add(
        index_uri,
        content=slides.index_page(
            listed, get_relative_url(guide_dest, index_uri), get_relative_url("index.html", index_uri)
        ),
    )
    _BUILD["lessons"] = facts
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != f"{guide.GUIDE_DIR}/index.md":
        return markdown
    if guide.SCHEDULE_PLACEHOLDER not in markdown:
        raise PluginError(f"docs/{page.file.src_uri} must contain {guide.SCHEDULE_PLACEHOLDER} where the schedule goes")
    rows = [(facts, guide.guide_path(facts.slug), slides.deck_path(facts.slug)) for facts in _BUILD["lessons"]]
    return markdown.replace(guide.SCHEDULE_PLACEHOLDER, guide.schedule(rows))


@event_priority(-50)  # after lesson_runner's hook has put the download button on the page
def on_page_content(html, page, config, files):
    src_uri = page.file.src_uri
    code = _CODE
    if src_uri.startswith(f"{guide.GUIDE_DIR}/") and src_uri != f"{guide.GUIDE_DIR}/index.md":
        return page_cache.cached("guide", [html, *code], lambda: {"html": _guide_page(html)})["html"]
    if not (src_uri.startswith(LESSON_PREFIX) and src_uri.endswith(".ipynb")):
        return html
    deck_url = lesson_pages.deck_url(src_uri, page.file.url)
    return lesson_pages.lesson_page(html, src_uri, page.file.abs_src_path, deck_url)["html"]


def _guide_page(html: str) -> str:
    """The script's code and what it prints are the lesson's own, already on its page: indexed,
    they would be most of the search index that every page loads, and a hit on them would lead
    away from the lesson."""
    soup = BeautifulSoup(html, "html.parser")
    keep_out_of_search(soup, ".highlight")
    return str(soup)


def on_post_build(config):
    # Printed from the built page (instructor_kit/cheat_sheet.py), cached by its bytes.
    try:
        cheat_sheet.publish(Path(config["site_dir"]))
    except cheat_sheet.CheatSheetError as error:
        raise PluginError(f"The cheat sheet cannot be printed: {error}") from None
