import concurrent.futures
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lesson_runner
from dev_tools import suite_record
from dev_tools.pages_server import serving

REPO = Path(__file__).resolve().parent.parent
# Helpers working side by side can build into a folder of their own.
SITE = Path(os.environ.get("SHAPE_MATTERS_SITE_DIR", REPO / "site"))
# Debian's Chromium; CI runners where it lives elsewhere set SHAPE_MATTERS_CHROMIUM.
CHROMIUM = os.environ.get("SHAPE_MATTERS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def executed_lessons():
    """Every lesson, executed once for the whole run (or taken from the cache), in order."""
    return {lesson.path.name: lesson for lesson in lesson_runner.execute_lessons()}


@pytest.fixture(scope="session")
def built_site(executed_lessons):
    """`mkdocs build --strict` into site/, once per run; the lessons come from the shared cache."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(SITE)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return SITE


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site, served by a real HTTP server on 127.0.0.1 (a free port), compressing
    text with gzip as GitHub Pages does (dev_tools/pages_server.py)."""
    with serving(built_site) as url:
        yield url


def _needs_the_browsers(item) -> bool:
    from test_browser import BACKGROUND_FIXTURES

    return any(name in getattr(item, "fixturenames", ()) for name in BACKGROUND_FIXTURES)


@pytest.fixture(scope="session", autouse=True)
def browsed_in_the_background(request):
    """What the browser tests read (test_browser.browse_everything: every page visited in both
    schemes and at phone width, the lesson pages weighed), made on threads of their own while the
    rest of the suite runs; the tests that read it run last. A visit mostly waits on the browser,
    and the suite mostly waits on kernels and subprocesses: side by side, each fills the other's
    gaps. Nothing is started for a run without those tests."""
    if not any(_needs_the_browsers(item) for item in request.session.items):
        yield None
        return
    from test_browser import browse_everything

    site_url, built_site = request.getfixturevalue("site_url"), request.getfixturevalue("built_site")

    def timed():
        started = time.monotonic()
        try:
            return browse_everything(site_url, built_site)
        finally:
            BACKGROUND["seconds"], BACKGROUND["done"] = time.monotonic() - started, time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        browsed = thread.submit(timed)
        yield browsed
        browsed.cancel()  # a run stopped early (-x) does not wait for results nobody reads
        BACKGROUND["suite_done"] = time.monotonic()


# When the browsers' background work ended, against the end of the suite (printed at the end of
# the run): the suite is only as short as the longer of the two.
BACKGROUND: dict[str, float] = {}


def pytest_collection_modifyitems(items):
    items.sort(key=_needs_the_browsers)  # stable: each group keeps its order


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (its own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    )


def pytest_addoption(parser):
    parser.addoption(
        "--determinism",
        action="store_true",
        help="execute every lesson and docs page once more and fail where an output differs (CI does)",
    )


def pytest_configure(config):
    if config.getoption("--determinism"):
        lesson_runner.determinism_by_default = True


# A full run (`make test`) is timed and its record kept for the bench (dev_tools/suite_record.py).
FULL_RUN: dict = {}


def pytest_sessionstart(session):
    if suite_record.is_full_run(session.config.invocation_params.args):
        FULL_RUN.update(
            started=time.perf_counter(), cold=suite_record.starts_cold(REPO), fingerprint=suite_record.fingerprint(REPO)
        )


def _record_the_full_run(terminalreporter, exitstatus, lessons_line: str) -> None:
    seconds = time.perf_counter() - FULL_RUN["started"]
    if suite_record.fingerprint(REPO) != FULL_RUN["fingerprint"]:
        return  # a source changed while the suite ran: the time is of no one tree
    stats = terminalreporter.stats
    counts = ", ".join(f"{len(stats[kind])} {kind}" for kind in ["passed", "failed", "error"] if stats.get(kind))
    failures = [
        f"{'ERROR' if kind == 'error' else 'FAILED'} {report.nodeid} - "
        + (report.longreprtext.strip().splitlines() or [""])[-1]
        for kind in ["failed", "error"]
        for report in stats.get(kind, [])
    ]
    suite_record.write(
        REPO,
        {
            "seconds": seconds,
            "finished": time.strftime("%Y-%m-%d %H:%M %Z"),
            "exit_code": int(exitstatus),
            "summary": [line for line in [lessons_line, f"{counts} in {seconds:.2f}s"] if line],
            "failed": [failure.split(" - ")[0] for failure in failures],
            "failures": failures,
            "cold": FULL_RUN["cold"],
            "fingerprint": FULL_RUN["fingerprint"],
        },
    )


def pytest_terminal_summary(terminalreporter, exitstatus):
    lessons_line = ""
    ran = lesson_runner.RUN_LOG
    if ran["executed"] or ran["cached"]:
        lessons_line = (
            f"lessons: {ran['executed']} executed, {ran['cached']} taken from the cache "
            f"(keyed by their code, requirements, Python and torch)"
            + (f", {ran['executed_again']} executed again to compare the outputs" if ran["executed_again"] else "")
        )
        terminalreporter.write_line(lessons_line)
        # The suite's own lessons as they were executed (not the tiny lessons some tests make).
        names = {path.name for path in lesson_runner.lesson_paths()}
        for line in lesson_runner.PROGRESS:
            if line.split(" executed", 1)[0].strip() in names:
                terminalreporter.write_line(f"lessons: {line.strip()}")
    if "done" in BACKGROUND and "suite_done" in BACKGROUND:
        terminalreporter.write_line(
            f"browsers in the background: {BACKGROUND['seconds']:.0f} s of work, finished "
            f"{BACKGROUND['suite_done'] - BACKGROUND['done']:.0f} s before the rest of the suite"
        )
    for restart in ran["kernel_restarts"]:
        terminalreporter.write_line(f"lessons: a kernel did not start and was started again (spawned): {restart}")
    # Tests report what they measured (page weights, ...) with record_property("measured", line).
    for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed"):
        for name, line in getattr(report, "user_properties", []):
            if name == "measured":
                terminalreporter.write_line(line)
    # Interrupted, or stopped by an internal or usage error: not a run of the whole suite.
    if FULL_RUN and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        _record_the_full_run(terminalreporter, exitstatus, lessons_line)
