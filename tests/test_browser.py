"""The built site in a real browser, used the way readers use it.

Debian's Chromium, driven by Playwright, loads every page of the built site from a real HTTP
server on 127.0.0.1 that compresses like GitHub Pages (dev_tools/pages_server.py). The pages are
found in the built site folder (every *.html file), not in a hand-kept list, so pages other work
adds are checked as soon as they are built.

Each page is visited in the light colour scheme, again in the dark one if it follows the reader's
scheme (every page but the slide decks, which look the same in both), and at phone width; the tests
below each assert one promise over all those visits and name every page and element that
breaks it.

Slide decks (site/slides/, reveal.js) are pages here too, with no exception: a reader opens them
in the same browser, offline, maybe with a screen reader, and follows their links. Only the
checks of Material's own colour palette apply to Material's pages alone.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import queue
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = REPO / "test-artifacts"
SCHEMES = {"light": "default", "dark": "slate"}  # Playwright's colour scheme -> Material's palette
PHONE_WIDTH = 375
# A lesson page with everything it loads, search index included, as it crosses the network.
LESSON_PAGE_BUDGET_BYTES = 250_000
SEARCH_INDEX = "search/search_index.json"


def page_paths(site: Path) -> list[str]:
    """Every page of the built site as a path relative to its root: "" for the landing page,
    "lessons/01-reproduce-the-error/" for a folder's index.html, "404.html" for a file."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        paths.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
    return paths


def lesson_paths(site: Path) -> list[str]:
    return [path for path in page_paths(site) if re.fullmatch(r"lessons/\d\d-[a-z0-9-]+/", path)]


@dataclass
class Visit:
    """What one page did in one colour scheme."""

    path: str
    scheme: str
    requests_elsewhere: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    palette: str = ""  # Material's colour scheme on <body>; "" on a page that is not Material's
    follows_scheme: bool = True  # whether it can look different in the other colour scheme
    code_cell_luminance: list[float] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _watch(page, origin: str, visit: Visit) -> None:
    def on_request(request):
        if request.url.startswith(("data:", "blob:")):
            return
        if _origin(request.url) != origin:
            visit.requests_elsewhere.append(request.url)

    def on_response(response):
        if response.status >= 400:
            visit.failed_requests.append(f"{response.status} {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda request: visit.failed_requests.append(f"{request.failure} {request.url}"))
    page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))


def _new_context(browser, origin: str, **options):
    context = browser.new_context(**options)
    # Nothing may leave the site's origin; the request is recorded (see _watch), then refused
    # here so that the test never depends on the network either. A pattern, not a Python function:
    # the browser's driver matches a pattern itself, while a function had every request of every
    # page wait for this process to answer (the visits took twice as long, and more browsers side
    # by side did not help).
    elsewhere = re.compile(rf"^(?!{re.escape(origin)}/|data:|blob:)")
    context.route(elsewhere, lambda route: route.abort())
    return context


LUMINANCE_OF_CODE_CELLS = """() => [...document.querySelectorAll('.jp-InputArea-editor .highlight-ipynb')].map(cell => {
  const [r, g, b] = getComputedStyle(cell).backgroundColor.match(/[\\d.]+/g).map(Number).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
})"""


# Browsers side by side, one per core: fewer leave a core idle while a page loads, more only make
# them compete for the cores (dev_tools/bench/README.md has the measurements).
BROWSERS_SIDE_BY_SIDE = os.cpu_count() or 1


def in_browsers(jobs: list, work) -> dict:
    """{job: work(browser, job)} for every job, in Chromiums side by side: each on a thread of its
    own with its own Playwright (its sync API wants one instance per thread), taking the next job
    when it is done with one. A job that raises stops the run with its error."""
    from conftest import launch_chromium
    from playwright.sync_api import sync_playwright

    pending = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    results = {}

    def one_browser():
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                while True:
                    try:
                        job = pending.get_nowait()
                    except queue.Empty:
                        return
                    results[job] = work(browser, job)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=BROWSERS_SIDE_BY_SIDE) as pool:
        for running in [pool.submit(one_browser) for _ in range(min(BROWSERS_SIDE_BY_SIDE, len(jobs)))]:
            running.result()
    return results


# The fixtures below hold what the browsers found, made in the background since the site was
# built (conftest.py starts `browse_everything` and runs the tests that need it last).
BACKGROUND_FIXTURES = ("visits", "at_phone_width", "weighed")


@pytest.fixture(scope="session")
def visits(browsed_in_the_background) -> dict[tuple[str, str], Visit]:
    """Every page of the site, loaded in the light scheme and, if it follows the reader's scheme, in
    the dark one, checked by axe-core: {(path, scheme): Visit}."""
    return browsed_in_the_background.result()["visit"]


@pytest.fixture(scope="session")
def at_phone_width(browsed_in_the_background) -> dict[str, tuple[list[str], int]]:
    """Every page at phone width: {path: (what is wrong, how many code blocks are wider than it)}."""
    return browsed_in_the_background.result()["phone"]


@pytest.fixture(scope="session")
def weighed(browsed_in_the_background) -> dict[str, tuple[dict, list[str]]]:
    """The landing page and every lesson page, weighed on a first visit: {path: (loaded, broken figures)}."""
    return browsed_in_the_background.result()["weigh"]


def browse_everything(site_url, built_site) -> dict[str, dict]:
    """The visits, the phone-width pass and the weighing, all in one set of browsers side by side."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make test does)"
    origin = _origin(site_url)
    work = {
        "visit": lambda browser, path: _visits(browser, site_url, path),
        "phone": lambda browser, path: _at_phone_width(browser, site_url, path),
        "weigh": lambda browser, path: _weigh(browser, site_url + path, origin),
    }
    jobs = [("visit", path) for path in page_paths(built_site)]
    jobs += [("phone", path) for path in page_paths(built_site)]
    jobs += [("weigh", path) for path in [""] + lesson_paths(built_site)]
    found = in_browsers(jobs, lambda browser, job: work[job[0]](browser, *job[1:]))
    results = {kind: {} for kind in work}
    for (kind, key), result in found.items():
        if kind == "visit":
            results[kind].update({(visit.path, visit.scheme): visit for visit in result})
        else:
            results[kind][key] = result
    return results


def _visits(browser, site_url, path) -> list[Visit]:
    light = _visit(browser, site_url, path, "light")
    # A page that ignores the reader's scheme (the decks) would be loaded and checked by axe-core
    # again for the same result: 10 of the 68 visits, the heaviest part of the suite's browsers.
    return [light, _visit(browser, site_url, path, "dark")] if light.follows_scheme else [light]


# Material's palette follows the reader's scheme by script; any other page, by a CSS media query.
FOLLOWS_THE_SCHEME = """() => !!document.body.dataset.mdColorScheme || [...document.styleSheets].some(sheet => {
  const mentions = rules => [...rules].some(rule =>
    (rule.media && rule.media.mediaText.includes('prefers-color-scheme')) || (rule.cssRules && mentions(rule.cssRules)));
  try { return mentions(sheet.cssRules); } catch (error) { return true; }  // a sheet it cannot read may
})"""


def _visit(browser, site_url, path, scheme) -> Visit:
    origin = _origin(site_url)
    context = _new_context(browser, origin, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    visit = Visit(path, scheme)
    page = context.new_page()
    _watch(page, origin, visit)
    page.goto(site_url + path, wait_until="networkidle")
    # Material's script sets the scheme on <body> once the page has loaded; on a busy machine a
    # heavy page can still show the HTML's default then. Wait (5 s at most) for the expected one;
    # a page that never gets it is still reported with the scheme it has.
    expected = json.dumps(SCHEMES[scheme])
    try:
        page.wait_for_function(
            f"!document.body.dataset.mdColorScheme || document.body.dataset.mdColorScheme === {expected}", timeout=5000
        )
    except PlaywrightTimeoutError:
        pass
    visit.palette = page.evaluate("document.body.dataset.mdColorScheme || ''")
    visit.follows_scheme = page.evaluate(FOLLOWS_THE_SCHEME)
    visit.links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    visit.ids = set(page.eval_on_selector_all("[id], a[name]", "els => els.map(e => e.id || e.getAttribute('name'))"))
    visit.code_cell_luminance = page.evaluate(LUMINANCE_OF_CODE_CELLS)
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_A_AA)
    visit.violations = [
        {
            "rule": violation["id"],
            "help": violation["help"],
            "elements": [
                f"{' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}"
                for node in violation["nodes"]
            ],
        }
        for violation in report["violations"]
    ]
    context.close()
    return visit


def _problems(visits, attribute: str) -> str:
    return "\n".join(
        f"{visit.path or '(landing page)'} [{visit.scheme}]: {item}"
        for visit in visits.values()
        for item in getattr(visit, attribute)
    )


def test_every_page_is_found_and_visited(visits, built_site):
    paths = page_paths(built_site)
    assert "" in paths and "reference/" in paths
    assert len(lesson_paths(built_site)) >= 5, paths
    assert sorted({path for path, _ in visits}) == sorted(paths)


def test_no_request_leaves_the_site(visits):
    problems = _problems(visits, "requests_elsewhere")
    assert not problems, problems


def test_no_request_fails(visits):
    problems = _problems(visits, "failed_requests")
    assert not problems, problems


def test_no_console_error_and_no_uncaught_error(visits):
    problems = _problems(visits, "console_errors")
    assert not problems, problems


def test_no_accessibility_violation_wcag_21_a_aa(visits):
    problems = [
        f"{visit.path or '(landing page)'} [{visit.scheme}]: {violation['rule']} ({violation['help']})\n      "
        + "\n      ".join(violation["elements"][:8])
        + (f"\n      ... and {len(violation['elements']) - 8} more" if len(violation["elements"]) > 8 else "")
        for visit in visits.values()
        for violation in visit.violations
    ]
    assert not problems, "axe-core found:\n" + "\n".join(problems)


def test_every_internal_link_and_anchor_resolves(visits, site_url, browser):
    origin = _origin(site_url)
    ids_by_url = {site_url + path: visit.ids for (path, scheme), visit in visits.items() if scheme == "light"}
    broken = []
    checked_elsewhere = {}  # a link to a file that is not a page (a notebook to download): its status
    context = _new_context(browser, origin)
    for (path, scheme), visit in visits.items():
        if scheme != "light":
            continue
        for href in visit.links:
            url, fragment = urldefrag(urljoin(site_url + path, href))
            if _origin(url) != origin:
                continue  # a link to another site is allowed; the reader's browser follows it
            if url.endswith("/index.html"):
                url = url[: -len("index.html")]
            where = f"{path or '(landing page)'}: link {href!r}"
            if url in ids_by_url:
                # "#/3" is a route of a page's own script (reveal.js's slides), not an element id.
                if fragment and not fragment.startswith("/") and fragment not in ids_by_url[url]:
                    broken.append(f"{where}: no element with id {fragment!r} on {url}")
                continue
            if url not in checked_elsewhere:
                checked_elsewhere[url] = context.request.get(url).status
            if checked_elsewhere[url] != 200:
                broken.append(f"{where}: {url} answers {checked_elsewhere[url]}")
    context.close()
    assert not broken, "\n".join(broken)
    assert sum(len(visit.links) for visit in visits.values()) > 50  # the crawl did see the links


def test_both_schemes_apply_to_every_page_and_its_code_cells(visits, built_site):
    wrong = []
    for visit in visits.values():
        if visit.palette and visit.palette != SCHEMES[visit.scheme]:
            wrong.append(
                f"{visit.path} [{visit.scheme}]: palette {visit.palette!r}, expected {SCHEMES[visit.scheme]!r}"
            )
        for number, luminance in enumerate(visit.code_cell_luminance, start=1):
            # Dark text on a light cell in the light scheme, light text on a dark cell in the dark
            # one (axe checks the contrast of every token; this checks the cell follows the page).
            if (visit.scheme == "light") != (luminance > 0.5):
                wrong.append(
                    f"{visit.path} [{visit.scheme}]: code cell {number} has a background of luminance {luminance:.2f}"
                )
    assert not wrong, "\n".join(wrong)
    lessons = lesson_paths(built_site)
    material_pages = [path for path in page_paths(built_site) if not path.startswith("slides/")]
    without_palette = [path for path in material_pages if not getattr(visits.get((path, "dark")), "palette", "")]
    assert not without_palette, f"pages outside slides/ without Material's palette: {without_palette}"
    assert all(visits[(lesson, "dark")].code_cell_luminance for lesson in lessons), (
        "no code cell found on a lesson page"
    )


def test_screenshots_of_both_schemes(browser, site_url):
    """Saved for people to look at: the landing page and the lesson that derives 1568."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for name, path in [("landing", ""), ("lesson-04", "lessons/04-derive-1568/")]:
            page.goto(site_url + path, wait_until="networkidle")
            target = folder / f"{name}-{scheme}.png"
            page.screenshot(path=str(target), full_page=name == "landing")
            assert target.stat().st_size > 10_000, f"{target} is nearly empty"
            if name == "lesson-04":
                page.locator(".jp-OutputArea table").first.scroll_into_view_if_needed()
                page.screenshot(path=str(folder / f"{name}-table-{scheme}.png"))
        context.close()


def test_search_works_offline_and_finds_the_lesson_that_derives_1568(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url, wait_until="networkidle")  # the search index arrives with the page
    context.set_offline(True)
    page.get_by_role("textbox", name="Search").first.click()
    page.keyboard.type("1568")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    found = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("lessons/04-derive-1568/" in href for href in found), found
    # A screen reader announces what opened (Material's dialog has no name of its own: overrides/).
    assert page.get_by_role("dialog", name="Search").count() == 1
    context.close()


def test_phone_width_has_no_sideways_scroll_and_code_scrolls_inside(at_phone_width, built_site):
    found = at_phone_width
    assert sorted(found) == sorted(page_paths(built_site))
    problems = [problem for path in page_paths(built_site) for problem in found[path][0]]
    assert not problems, "\n".join(problems)
    # Lessons have code wider than a phone: the check did run.
    assert sum(wide for _, wide in found.values()) > 0


def _at_phone_width(browser, site_url, path) -> tuple[list[str], int]:
    """What is wrong with the page at phone width, and how many of its code blocks are wider than it."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    cells_wider_than_the_screen = 0
    page.goto(site_url + path, wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        problems.append(f"{path or '(landing page)'}: the page is {width} px wide at {PHONE_WIDTH} px")
    # Every block of code or output wider than its box must scroll inside that box.
    for overflowing in page.evaluate(
        """() => [...document.querySelectorAll('article pre')].filter(pre => pre.scrollWidth > pre.clientWidth + 1)
             .map(pre => {
               let box = pre;
               while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
               return {text: pre.innerText.split('\\n')[0].slice(0, 60), scrolls: !!box && box.closest('article') !== null,
                       right: box ? box.getBoundingClientRect().right : null};
             })"""
    ):
        cells_wider_than_the_screen += 1
        if not overflowing["scrolls"] or overflowing["right"] > PHONE_WIDTH:
            problems.append(f"{path}: code {overflowing['text']!r} does not scroll inside its own box")
    context.close()
    # The same page before Material's script has laid it out, as a slow phone shows it for a moment
    # (and a reader with scripts off for good): the header is laid out differently then, and a long
    # lesson title once made the page 13 px too wide in that state only, failing CI now and then.
    context = _new_context(
        browser,
        _origin(site_url),
        viewport={"width": PHONE_WIDTH, "height": 800},
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto(site_url + path, wait_until="load")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_WIDTH:
        problems.append(f"{path or '(landing page)'}: without scripts, the page is {width} px wide at {PHONE_WIDTH} px")
    context.close()
    return problems, cells_wider_than_the_screen


SCROLL_TO_THE_END = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}"""

# A lazily loaded figure the quick scroll passed before Chromium noticed it (a busy machine) would
# never start loading: each check brings the first figure still waiting into view.
EVERY_IMAGE_ARRIVED = """() => {
  const waiting = [...document.images].filter(image => !image.complete);
  if (waiting.length) waiting[0].scrollIntoView();
  return waiting.length === 0;
}"""


def _weigh(browser, url: str, origin: str) -> tuple[dict, list[str]]:
    """A first visit (empty cache), read to the end: bytes received for the page and everything
    it loaded, lazily loaded figures included; and the figures that did not arrive."""
    context = _new_context(browser, origin)
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url, wait_until="networkidle")
    page.evaluate(SCROLL_TO_THE_END)
    try:
        page.wait_for_function(EVERY_IMAGE_ARRIVED, polling=200)
    except PlaywrightTimeoutError:
        pass  # the figures still waiting are reported below, by name, with the broken ones
    page.wait_for_load_state("networkidle")
    broken_images = page.evaluate(
        "[...document.images].filter(image => !image.complete || image.naturalWidth === 0)"
        ".map(image => image.getAttribute('src'))"
    )
    loaded = {}
    for request in responses:
        sizes = request.sizes()
        response = request.response()
        # The body as sent: Content-Length is what the server wrote (compressed); Chromium's own
        # count misses the body of the search worker's script.
        sent = int(response.headers.get("content-length", sizes["responseBodySize"])) if response else 0
        loaded[request.url] = {
            "transferred": sent + sizes["responseHeadersSize"],
            "uncompressed": len(response.body()) if response else 0,
        }
    context.close()
    return loaded, broken_images


def _kb(size: int) -> str:
    return f"{size / 1000:.0f} KB"


def test_lesson_pages_stay_within_the_weight_budget(weighed, site_url, built_site, record_property):
    weights = {}
    broken_images = []
    paths = [""] + lesson_paths(built_site)
    assert sorted(weighed) == sorted(paths)
    for path in paths:
        loaded, broken = weighed[path]
        broken_images += [f"{path}: {src}" for src in broken]
        assert site_url + SEARCH_INDEX in loaded, f"{path}: the search index did not load with the page"
        weights[path] = (
            sum(item["transferred"] for item in loaded.values()),
            sum(item["uncompressed"] for item in loaded.values()),
            len(loaded),
            loaded[site_url + SEARCH_INDEX]["transferred"],
        )
    heaviest = max(lesson_paths(built_site), key=lambda path: weights[path][0])
    for label, path in [("landing page", ""), ("heaviest lesson page", heaviest)]:
        transferred, uncompressed, count, index = weights[path]
        record_property(
            "measured",
            f"page weight, {label} ({path or '/'}): {_kb(transferred)} transferred with gzip "
            f"({_kb(uncompressed)} uncompressed) in {count} requests, search index {_kb(index)} of it",
        )
    too_heavy = [
        f"{path}: {_kb(weights[path][0])} transferred > budget {_kb(LESSON_PAGE_BUDGET_BYTES)}"
        for path in lesson_paths(built_site)
        if weights[path][0] > LESSON_PAGE_BUDGET_BYTES
    ]
    assert not too_heavy, "\n".join(too_heavy)
    assert not broken_images, "figures that did not load:\n" + "\n".join(broken_images)


def test_search_index_holds_the_lessons_prose_not_their_cells(built_site, record_property):
    import json

    index = json.loads((built_site / SEARCH_INDEX).read_text())
    size = (built_site / SEARCH_INDEX).stat().st_size
    record_property("measured", f"search index: {_kb(size)} uncompressed, {len(index['docs'])} entries")
    # Lesson pages only: the instructor guide quotes expected outputs on purpose, in its own Markdown.
    text = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("lessons/"))
    # Outputs (torchsummary's table, a traceback), code cells and prompts are not indexed...
    assert "Trainable params" not in text
    assert "frames inside the library hidden" not in text
    assert "self.conv1 = nn.Sequential" not in text
    assert "Copied!" not in text and "In\xa0[1]:" not in text
    # ...while the prose that derives 1568 is.
    derive = [doc for doc in index["docs"] if doc["location"].startswith("lessons/04-derive-1568/")]
    assert any("32 · 7 · 7 = 1568" in doc["text"] for doc in derive)
    # The instructor pages' live-coding scripts (the lesson's code and outputs once more) are not
    # indexed either, while their misconceptions, written as prose, are.
    guide = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("instructors/01-"))
    assert "self.conv1 = nn.Sequential" not in guide and "Trainable params" not in guide
    assert "Live-coding script" in " ".join(
        doc["title"] for doc in index["docs"] if doc["location"].startswith("instructors/01-")
    )
