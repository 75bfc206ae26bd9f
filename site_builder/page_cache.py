"""What the build makes of a page, kept under .cache/pages/ so that a build where the page and
the site's code are unchanged parses no HTML (parsing with BeautifulSoup would be most of a warm
build's work)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import bs4

import site_builder

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "pages"


def cached(kind: str, inputs: list[str | bytes], make: Callable[[], dict], compute: bool = True) -> dict | None:
    """make()'s answer (a dict that JSON can hold) for these inputs, computed once. `inputs` holds
    everything the answer depends on besides the code; the code (site_builder.code_version) and
    BeautifulSoup's version are added here. Answers for older inputs stay until `make clean`. With compute=False,
    only what the cache holds (or None)."""
    found = look_up(kind, inputs)
    if found is not None or not compute:
        return found
    return store(kind, inputs, make())


def look_up(kind: str, inputs: list[str | bytes]) -> dict | None:
    """The stored answer for these inputs, or None: for a caller that computes the missing ones
    together (in parallel) and stores each with `store`."""
    path = _path(kind, inputs)
    return json.loads(path.read_text()) if path.exists() else None


def store(kind: str, inputs: list[str | bytes], answer: dict) -> dict:
    write_whole(_path(kind, inputs), json.dumps(answer))
    return answer


def write_whole(path: Path, text: str) -> None:
    """Write the file so that no reader sees half of it (two builds at once, or a worker process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _path(kind: str, inputs: list[str | bytes]) -> Path:
    digest = hashlib.sha256(bs4.__version__.encode() + b"\0" + site_builder.code_version())
    for part in inputs:
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return CACHE_DIR / kind / f"{digest.hexdigest()[:32]}.json"


def make_side_by_side(make: Callable, arguments: Sequence[tuple]) -> list:
    """[make(*each) for each in arguments], in one process per core when there are several (the
    answers the cache misses, computed together: BeautifulSoup and nbconvert are pure Python).
    `make` must be a module-level function, as a process pool needs."""
    return run_side_by_side([(make, each) for each in arguments])


def run_side_by_side(jobs: Sequence[tuple[Callable, tuple]]) -> list:
    """[function(*arguments) for function, arguments in jobs], in one process per core when there
    are several: jobs of different kinds share the cores (a build's decks and its lesson pages)."""
    if len(jobs) < 2:
        return [function(*arguments) for function, arguments in jobs]
    from site_builder import workers

    done = workers.run(jobs)  # the build's own workers, when it has them open
    if done is not None:
        return done
    with concurrent.futures.ProcessPoolExecutor(min(len(jobs), os.cpu_count() or 1)) as pool:
        return list(pool.map(_call, *zip(*jobs)))


def _call(function: Callable, arguments: tuple):
    return function(*arguments)
