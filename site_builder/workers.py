"""Worker processes for one build, and the work they take on while the lessons still execute.

A cold build executes the lessons, three kernels at a time on two cores, and then renders what is
made from them (each lesson's page and deck). The lessons do not take equally long: the last one
to finish (lesson 9 trains a network) runs alone for seconds while the other core waits. So the hook
hands the jobs that render each lesson's page and deck to these workers as soon as that lesson is
executed (and cached), at a lower priority than the kernels. The build later asks
for the same renders the usual way and finds them in their caches.

The workers are forked when the build opens them, before the execution's thread and kernels
start (a fork copies only the thread that forks), and they import the renderers then, on the core
the kernel template leaves idle while it imports torch. `page_cache.run_side_by_side` uses them
too, until the build closes them.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Sequence

# Set to 0, nothing is handed over early: each render waits for the build to ask for it (the test
# that proves rendering ahead changes nothing in the site builds both ways).
EARLY_VARIABLE = "SHAPE_MATTERS_RENDER_EARLY"
# Below the kernels, which are the build's critical path; above nothing else.
NICENESS = 10

_open: dict = {"pool": None, "handed": []}


def open_workers(warm_up: Sequence[str] = ()) -> None:
    """Fork one worker per core now; each imports these modules (those its jobs will use)."""
    close_workers()
    count = os.cpu_count() or 1
    pool = concurrent.futures.ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_start, initargs=(tuple(warm_up),)
    )
    # A fork pool starts all of its workers at the first job: here, before any thread is started.
    pool.submit(int).result()
    _open["pool"] = pool


def _start(warm_up: tuple[str, ...]) -> None:
    os.nice(NICENESS)
    for name in warm_up:
        __import__(name)


def early_wanted() -> bool:
    return os.environ.get(EARLY_VARIABLE) != "0"


def hand_over(plan: Callable[[], Sequence[tuple[Callable, tuple]]]) -> None:
    """Give the workers the jobs plan() returns; they start at once. A plan or a job that fails is
    left to the build, which meets the problem again and reports it where it happens."""
    pool = _open["pool"]
    if pool is None or not early_wanted():
        return
    try:
        _open["handed"] += [pool.submit(function, *arguments) for function, arguments in plan()]
    except Exception:  # noqa: BLE001 - see the docstring
        return


def wait_for_handed() -> None:
    """Wait until every job handed over is done (or has failed: see hand_over)."""
    handed, _open["handed"] = _open["handed"], []
    concurrent.futures.wait(handed)


def run(jobs: Sequence[tuple[Callable, tuple]]) -> list | None:
    """[function(*arguments) for function, arguments in jobs] in the open workers, or None if the
    build has none open."""
    pool = _open["pool"]
    if pool is None:
        return None
    return [future.result() for future in [pool.submit(function, *arguments) for function, arguments in jobs]]


def are_open() -> bool:
    return _open["pool"] is not None


def close_workers() -> None:
    pool, _open["pool"] = _open["pool"], None
    _open["handed"] = []
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
