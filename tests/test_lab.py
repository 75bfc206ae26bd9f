"""`make lab`, the learner's command, for real: JupyterLab started by the Makefile's own target on a
free port of 127.0.0.1, lesson 1 opened in Chromium through JupyterLab's interface, Run All Cells
from its Run menu, and the outputs read off the page. The kernel is the real one JupyterLab starts
(this venv's Python): the cells tagged `raises-exception` show their expected error, and the
cells after them ran too, with the outputs the build's own run of the lesson has.

The server runs on a copy of lessons/ (`LAB_DIR`), so that nothing it saves reaches the sources,
with JupyterLab's settings and workspaces in the test's own folders.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import lesson_runner
from tests.lesson_outputs import printed

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
LESSON = "01-reproduce-the-error.ipynb"
SERVER_START_SECONDS = 90
RUN_ALL_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """`make lab` on a copy of lessons/: (the URL it printed, with its token; its log)."""
    lessons = tmp_path / "lessons"
    shutil.copytree(lesson_runner.LESSONS_DIR, lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    lab_args = ["--no-browser", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        lab_args.append("--allow-root")  # CI runs as root; JupyterLab refuses to without this
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log_path = tmp_path / "lab.log"
    with log_path.open("w") as log:
        # -o: the venv counts as installed (the suite runs from it); the target is the Makefile's own.
        server = subprocess.Popen(
            [
                "make",
                "-o",
                ".venv/.installed",
                "lab",
                f"LAB_DIR={lessons}",
                f"LAB_PORT={port}",
                f"LAB_ARGS={' '.join(lab_args)}",
            ],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: make, JupyterLab and the kernels end together
        )
    try:
        url_pattern = re.compile(rf"http://127\.0\.0\.1:{port}/lab\?token=[0-9a-f]+")
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not (found := url_pattern.search(log_path.read_text())):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make lab printed no URL with a token on port {port}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield found.group(0), log_path
    finally:
        stop_group(server)


def stop_group(server: subprocess.Popen) -> None:
    """SIGTERM to make, JupyterLab and its kernels (JupyterLab shuts its kernels down), then
    SIGKILL to whatever of the group still runs after 15 s: make exits at once, and a JupyterLab
    may outlive it."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)


def test_make_lab_runs_lesson_1_in_jupyterlab(lab, browser):
    url, log_path = lab
    base, token = url.split("/lab?token=")
    executed = lesson_runner.execute_lessons([lesson_runner.LESSONS_DIR / LESSON])[0].notebook
    raising = [
        number for number, cell in enumerate(executed.cells) if "raises-exception" in cell.metadata.get("tags", [])
    ]
    assert raising, f"{LESSON} has no cell tagged raises-exception: this test has nothing to prove"
    # The last code cell that prints, after every cell that raises: Run All reached it only if it
    # went on past them.
    later = max(number for number, cell in enumerate(executed.cells) if cell.cell_type == "code" and printed(cell))
    assert later > max(raising), f"{LESSON}: no cell after the last raises-exception cell prints anything"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/lab/tree/{LESSON}?token={token}")
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=SERVER_START_SECONDS * 1000
        )
        selector = ".jp-NotebookPanel .jp-Notebook .jp-Cell"
        cells = page.locator(selector)
        # JupyterLab adds the cells to the page a few at a time after it opens the notebook.
        try:
            page.wait_for_function(
                f"n => document.querySelectorAll({selector!r}).length >= n", arg=len(executed.cells), timeout=30_000
            )
        except PlaywrightTimeoutError:
            pass  # the assertion below says how many it shows
        assert cells.count() == len(executed.cells), (
            f"JupyterLab shows {cells.count()} cells of {LESSON}, which has {len(executed.cells)}"
        )
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        expected_later = printed(executed.cells[later]).strip()

        def output_text(number: int) -> str:
            # textContent, not innerText: JupyterLab skips rendering the cells out of view
            # (content-visibility), and innerText of those is empty.
            return cells.nth(number).locator(".jp-OutputArea").evaluate("area => area.textContent")

        deadline = time.monotonic() + RUN_ALL_SECONDS
        while expected_later not in output_text(later):
            if time.monotonic() > deadline:
                page.screenshot(path=str(log_path.with_name("lab.png")), full_page=True)
                pytest.fail(
                    f"{LESSON}, cell {later + 1}: after Run All Cells, JupyterLab shows "
                    f"{output_text(later)!r}, not {expected_later!r} as the build's run printed"
                )
            time.sleep(0.25)
        for number in raising:
            error = executed.cells[number].metadata["expected_error"]
            message = f"{error['ename']}: {error['evalue']}"
            shown = output_text(number)
            assert message in shown, (
                f"{LESSON}, cell {number + 1}: JupyterLab's output area shows {shown!r}, not {message!r}"
            )
    finally:
        page.close()
