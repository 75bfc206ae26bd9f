"""The site's own builds: cold, warm, forced, after an edit, bare MkDocs, and a profiled warm build."""

from __future__ import annotations

from pathlib import Path

import nbformat
import yaml

from dev_tools.bench.common import MAKE, cache_entries, clear_caches, executed_lessons, median, timed


def cold_builds(copy: Path, runs: int) -> dict:
    seconds, per_lesson = [], {}
    for _ in range(runs):
        clear_caches(copy)
        took, _ = timed(MAKE + ["build"], copy)
        seconds.append(took)
        for lesson, lesson_seconds in executed_lessons(copy).items():
            per_lesson.setdefault(lesson, []).append(lesson_seconds)
    return {
        "seconds": seconds,
        "lessons_executed": len(per_lesson),
        "per_lesson": {lesson: median(values) for lesson, values in sorted(per_lesson.items())},
    }


def repeated_builds(copy: Path, runs: int, config: str | None = None, force: bool = False) -> dict:
    command = (
        MAKE + ["build"] + (["FORCE=1"] if force else [])
        if config is None
        else [".venv/bin/mkdocs", "build", "-q", "-f", config, "-d", "site-variant"]
    )
    before = cache_entries(copy)
    seconds = [timed(command, copy)[0] for _ in range(runs)]
    return {"seconds": seconds, "lessons_executed": len(cache_entries(copy) - before)}


def edited_page_builds(copy: Path, runs: int) -> dict:
    page = copy / "docs" / "reference.md"
    original = page.read_text()
    seconds, executed = [], 0
    try:
        for run in range(runs):
            page.write_text(original + f"\n\nEdited for the benchmark, run {run + 1}.\n")
            before = cache_entries(copy)
            seconds.append(timed(MAKE + ["build"], copy)[0])
            executed += len(cache_entries(copy) - before)
    finally:
        page.write_text(original)
    return {"seconds": seconds, "page": "docs/reference.md", "lessons_executed": executed / runs}


def edited_lesson_builds(copy: Path, runs: int, prose: bool) -> dict:
    """Lesson 1 edited, then `make build`: a sentence added to its first cell (prose), or a comment
    added to the last line of its last code cell (code: the cell's source changes, its lines and so
    the lesson's pace do not)."""
    lesson = sorted((copy / "lessons").glob("[0-9][0-9]-*.ipynb"))[0]
    original = lesson.read_bytes()
    seconds, executed = [], []
    try:
        for run in range(runs):
            notebook = nbformat.read(lesson, as_version=4)
            if prose:
                notebook.cells[0].source += f"\n\nEdited for the benchmark, run {run + 1}."
            else:
                last_code = [cell for cell in notebook.cells if cell.cell_type == "code"][-1]
                last_code.source = last_code.source.rstrip() + f"  # edited for the benchmark, run {run + 1}"
            nbformat.write(notebook, lesson)
            before = cache_entries(copy)
            seconds.append(timed(MAKE + ["build"], copy)[0])
            executed.append(sorted(path.name for path in cache_entries(copy) - before))
    finally:
        lesson.write_bytes(original)
    return {"seconds": seconds, "lesson": lesson.name, "re_executed": executed}


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even where it names Python objects (!!python/name:...)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _without_lessons(nav):
    kept = []
    for entry in nav:
        if isinstance(entry, dict):
            ((title, value),) = entry.items()
            if isinstance(value, list):
                value = _without_lessons(value)
                if value:
                    kept.append({title: value})
            elif not str(value).endswith(".ipynb"):
                kept.append(entry)
        elif not str(entry).endswith(".ipynb"):
            kept.append(entry)
    return kept


def write_bare_config(copy: Path) -> str:
    """mkdocs.yml without the lessons, mkdocs-jupyter and the hooks (each hook works on the lessons:
    executing them, rendering slides and instructor notes from them): the Markdown alone."""
    config = yaml.load((copy / "mkdocs.yml").read_text(), Loader=_AnyTagLoader)
    plugins = config.get("plugins", [])

    def plugin_name(plugin):
        return next(iter(plugin)) if isinstance(plugin, dict) else plugin

    bare = {
        "INHERIT": "mkdocs.yml",
        "strict": False,  # its links to the lessons have nowhere to go
        "nav": _without_lessons(config.get("nav", [])),
        "hooks": [],
        "plugins": [plugin for plugin in plugins if plugin_name(plugin) != "mkdocs-jupyter"],
        "watch": [],
    }
    name = "mkdocs.bench-bare.yml"
    (copy / name).write_text(yaml.safe_dump(bare, sort_keys=False, allow_unicode=True))
    return name


def profiled_warm_build(copy: Path) -> dict:
    """One warm build under cProfile: the share of the build each plugin's and hook's event
    handlers take (search indexing, rendering the notebooks, each hook), scaled to an unprofiled
    warm build by the caller."""
    import pstats

    profile = copy.parent / "warm-build.prof"
    command = [".venv/bin/python", "-m", "cProfile", "-o", str(profile), ".venv/bin/mkdocs", "build", "-q"]
    timed(command + ["-d", "site-profiled"], copy)
    stats = pstats.Stats(str(profile)).stats
    total = max(cumulative for (_, _, _, cumulative, _) in stats.values())
    shares: dict[str, float] = {}
    for (file, _, function), (_, _, _, cumulative, _) in stats.items():
        if not (function.startswith("on_") or function == "new_render"):
            continue
        if file.endswith("/mkdocs/plugins.py"):
            continue  # MkDocs' dispatcher: it calls the handlers below
        if "/mkdocs/contrib/search/" in file or "/material/plugins/search/" in file:
            owner = "search plugin"
        elif "/mkdocs_jupyter/" in file:
            owner = "mkdocs-jupyter (notebook pages)"
        elif "/material/" in file:
            owner = "Material's plugins"
        elif file.startswith(str(copy)) and "/site-packages/" not in file:
            owner = Path(file).relative_to(copy).as_posix()
        else:
            continue
        key = f"{owner}: {function}"
        shares[key] = shares.get(key, 0.0) + cumulative / total
    return dict(sorted(shares.items(), key=lambda item: -item[1]))
