"""`make bench`: what building and testing Shape Matters costs on this machine.

Everything runs in a throwaway copy of the repository (its tracked and untracked-but-not-ignored
files, with .venv/ and node_modules/ linked), so the developer's caches are never touched. Each
number is the median of several runs:

- cold build: `make build` with every cache cleared (the lessons executed, then rendered);
- warm build: `make build` again, nothing changed (site/ is found up to date, lesson_runner/site_stamp.py);
- forced warm build: `make build FORCE=1`, nothing changed, every page rendered again;
- one Markdown page edited / one lesson's prose edited / one lesson's code edited: `make build`, and
  which lessons re-executed;
- bare MkDocs: the same mkdocs.yml without the lessons, their hook and mkdocs-jupyter;
- the serial limit: every lesson's code cells as a plain Python script, one lesson after another;
- the peer: Jupyter Book v1 building the same notebooks with execution on (its own venv, made from
  bench/peer-requirements.txt and cached in .cache/bench-venvs/, never the project's);
- `make test` from a fresh clone after set-up (nothing cached), once: the run just before the bench
  when it was that, on these very sources (measure/suite_record.py), or else a run in the copy;
- the page weight of the landing page and the heaviest lesson page;
- where the time goes: kernel start-up, torch import in a kernel, notebook-to-HTML conversion,
  search indexing;
- the machine's speed (a fixed Python loop), and what each step of the bench itself took.

Writes bench/results/latest.json and bench/results/latest.md (git-ignored) and prints the table.

    .venv/bin/python bench/run.py [--runs 3] [--heavy-runs 2] [--skip-peer] [--skip-test] [--rerun-test]
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import yaml
from bs4 import BeautifulSoup
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the project's own modules: the source copy, the kernel template
from measure import suite_record  # noqa: E402
from measure.source_copy import copy_sources  # noqa: E402

RESULTS = REPO / "bench" / "results"
PEER_VENV = REPO / ".cache" / "bench-venvs" / "jupyter-book"
PEER = "jupyter-book==1.0.4.post1"  # the last v1 release; v2 is a different program (MyST, Node)
PEER_LOCK = REPO / "bench" / "peer-requirements.txt"
# `make` is told that the installs are done (-o), so a timing never includes a pip run.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed"]
# The machine-speed reference: this many multiply-adds in a Python loop (about 1 s on a slow machine here).
REFERENCE_LOOP = 5_000_000
TARGETS = {
    "cold build / serial limit": 1.0,
    "cold build / Jupyter Book v1": 0.5,
    "warm build / bare MkDocs": 1.2,
}


# --- the throwaway copy -----------------------------------------------------------------------------


def make_copy(root: Path) -> Path:
    return copy_sources(root / "repo")


def clear_caches(copy: Path) -> None:
    for folder in [copy / ".cache", copy / "site"]:
        shutil.rmtree(folder, ignore_errors=True)


def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for variable in ["SHAPE_MATTERS_SITE_DIR", "SHAPE_MATTERS_DETERMINISM"]:
        env.pop(variable, None)
    return env


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env or environment())
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"bench: `{' '.join(command)}` failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return seconds, result


def executed_lessons(copy: Path) -> dict[str, float]:
    """The lessons in the copy's cache, with the seconds each took to execute."""
    found = {}
    for timing in (copy / ".cache" / "lessons").glob("*/lessons/*.json"):
        found[(timing.parent / timing.stem).name + ".ipynb"] = json.loads(timing.read_text())["seconds"]
    return found


def cache_entries(copy: Path) -> set[Path]:
    return set((copy / ".cache" / "lessons").glob("*/lessons/*.ipynb"))


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- measurements ------------------------------------------------------------------------------------


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
    """Lesson 1 edited, then `make build`: a sentence added to its first cell (prose), or a line of
    code added to its last code cell (code)."""
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
                last_code.source += f"\n_ = 'edited for the benchmark, run {run + 1}'"
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


def lesson_as_script(path: Path) -> str:
    """The lesson's code cells, in order, as one plain script. A cell that raises on purpose is
    wrapped so the script goes on, as the notebook does."""
    parts = ["import matplotlib\nmatplotlib.use('Agg')\n" if "matplotlib" in path.read_text() else ""]
    for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        code = compile(cell.source, f"{path.name}, cell {number}", "exec")  # a syntax error stops here
        del code
        if "raises-exception" in cell.metadata.get("tags", []):
            parts.append(
                f"try:\n    exec(compile({cell.source!r}, 'cell {number}', 'exec'))\nexcept Exception:\n    pass\n"
            )
        else:
            parts.append(cell.source + "\n")
    return "\n".join(parts)


def serial_limit(copy: Path, runs: int) -> dict:
    lessons = sorted((copy / "lessons").glob("[0-9][0-9]-*.ipynb"))
    python = str(copy / ".venv" / "bin" / "python")
    totals, per_lesson = [], {lesson.name: [] for lesson in lessons}
    with tempfile.TemporaryDirectory(prefix="bench-scripts-") as scripts:
        for lesson in lessons:
            (Path(scripts) / (lesson.stem + ".py")).write_text(lesson_as_script(lesson))
        for _ in range(runs):
            total = 0.0
            for lesson in lessons:
                with tempfile.TemporaryDirectory(prefix="bench-lesson-") as workdir:
                    took, _ = timed([python, str(Path(scripts) / (lesson.stem + ".py"))], Path(workdir))
                per_lesson[lesson.name].append(took)
                total += took
            totals.append(total)
    return {"seconds": totals, "per_lesson": {name: median(values) for name, values in per_lesson.items()}}


def peer_pins() -> list[str]:
    """Jupyter Book v1 and everything it runs the lessons with, each `name==version` (bench/peer-requirements.txt)."""
    return [line.strip() for line in PEER_LOCK.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _same_distribution_here(pin: str):
    """The distribution this venv (the project's) has installed at exactly the pinned version, if any."""
    requirement = Requirement(pin)
    try:
        installed = importlib.metadata.distribution(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return installed if requirement.specifier.contains(installed.version, prereleases=True) else None


def _link_distribution(installed, venv: Path) -> None:
    """The installed distribution's files (its RECORD: modules, compiled bytecode, metadata, data
    such as a kernel spec), hard linked into another venv of the same Python at the same place: the
    files pip would unpack there from the same wheel. Not its scripts: they name this venv's Python."""
    prefix = Path(sys.prefix).resolve()
    for file in installed.files or []:
        source = Path(installed.locate_file(file)).resolve()
        if not source.is_file() or not source.is_relative_to(prefix):
            continue
        place = source.relative_to(prefix)
        if place.parts[0] == "bin":
            continue
        target = venv / place
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system
            shutil.copy2(source, target)


def ensure_peer_venv() -> Path:
    """The peer's venv, made once from bench/peer-requirements.txt and kept between runs. A
    distribution the project's venv has at the same version (torch, numpy, scipy: most of the bytes)
    is hard linked from there, as uv links from its cache; pip installs the rest, without resolving
    (the file is the whole closure), and `pip check` proves the result is consistent."""
    pins = peer_pins()
    wanted = "\n".join(pins)
    stamp = PEER_VENV / ".bench-installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return PEER_VENV
    shutil.rmtree(PEER_VENV, ignore_errors=True)
    print(f"bench: installing {PEER} and what it needs into {PEER_VENV} (once)", flush=True)
    started = time.perf_counter()
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(PEER_VENV)], check=True)
    here = {pin: _same_distribution_here(pin) for pin in pins}
    linked = [pin for pin in pins if here[pin]]
    for pin in linked:
        _link_distribution(here[pin], PEER_VENV)
    rest = [pin for pin in pins if not here[pin]]
    pip = [sys.executable, "-m", "pip", "--python", str(PEER_VENV / "bin" / "python")]
    installed = subprocess.run(
        pip + ["install", "--quiet", "--disable-pip-version-check", "--no-deps", *rest],
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:
        raise SystemExit(f"bench: could not install {PEER}:\n{installed.stderr[-3000:]}")
    checked = subprocess.run(pip + ["check"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"bench: {PEER_LOCK.name} does not hold together (pip check):\n{checked.stdout}")
    print(
        f"bench: {len(linked)} distributions linked from the project's venv, {len(rest)} installed by pip, "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    stamp.write_text(wanted)
    return PEER_VENV


def peer_builds(copy: Path, runs: int) -> dict:
    venv = ensure_peer_venv()
    book = copy.parent / "jupyter-book"
    (book / "lessons").mkdir(parents=True)
    lessons = sorted((copy / "lessons").glob("[0-9][0-9]-*.ipynb"))
    for lesson in lessons:
        shutil.copy2(lesson, book / "lessons" / lesson.name)
    (book / "intro.md").write_text("# Shape Matters\n\nThe same lessons, built by Jupyter Book v1.\n")
    (book / "_config.yml").write_text(
        yaml.safe_dump(
            {
                "title": "Shape Matters (Jupyter Book v1)",
                "only_build_toc_files": True,
                # Every build executes every notebook, as the cold build does; errors on purpose are
                # tagged raises-exception, which myst-nb honours.
                "execute": {"execute_notebooks": "force", "timeout": 120, "allow_errors": False},
            }
        )
    )
    (book / "_toc.yml").write_text(
        yaml.safe_dump(
            {
                "format": "jb-book",
                "root": "intro",
                "chapters": [{"file": f"lessons/{lesson.stem}"} for lesson in lessons],
            }
        )
    )
    seconds = []
    for _ in range(runs):
        shutil.rmtree(book / "_build", ignore_errors=True)
        took, result = timed([str(venv / "bin" / "jupyter-book"), "build", str(book)], book)
        if "Execution Failed" in result.stdout + result.stderr:
            raise SystemExit(f"bench: Jupyter Book failed to execute a lesson:\n{result.stdout[-3000:]}")
        seconds.append(took)
    return {"seconds": seconds, "version": PEER, "notebooks": len(lessons)}


def make_test(copy: Path, rerun: bool) -> dict:
    """`make test` after set-up with nothing cached, so each lesson executes once. The run that came
    just before the bench, if it was that (measure/suite_record.py: a full run that started cold, on
    exactly these sources and installs), is reported as it was measured; otherwise, or with
    --rerun-test, `make test` runs here, in the copy. A failing test is reported with the time, not
    raised: the bench measures, the suite judges."""
    record = None if rerun else suite_record.read_matching(REPO)
    if record is not None:
        return {
            **{field: record[field] for field in ["summary", "exit_code", "failed", "failures"]},
            "seconds": [record["seconds"]],
            "measured": f"the make test run that finished {record['finished']}",
        }
    clear_caches(copy)
    started = time.perf_counter()
    result = subprocess.run(MAKE + ["test"], cwd=copy, capture_output=True, text=True, env=environment())
    took = time.perf_counter() - started
    lines = result.stdout.splitlines()
    summary = [line for line in lines if line.startswith("lessons:")]
    summary += [line.strip("= ") for line in lines[-1:] if " in " in line]
    failing = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    failed = [line.split(" - ")[0] for line in failing]
    # pytest's one-line reason for each, kept in the JSON: a failure seen only in the bench's copy
    # must be readable after the copy is gone.
    return {
        "seconds": [took],
        "summary": summary,
        "exit_code": result.returncode,
        "failed": failed,
        "failures": failing,
        "measured": "by the bench, in its copy",
    }


def _weight(site: Path, page: Path) -> dict:
    """The page and every same-origin file it loads (stylesheets, scripts, images), raw and gzipped."""
    html = page.read_bytes()
    url = "/" + page.relative_to(site).as_posix()
    files = {page}
    soup = BeautifulSoup(html, "html.parser")
    references = [tag.get("href") for tag in soup.select("link[rel~=stylesheet][href]")]
    references += [tag.get("src") for tag in soup.select("script[src], img[src]")]
    for reference in references:
        parts = urlsplit(urljoin(url, reference))
        if parts.scheme or parts.netloc:
            continue
        local = site / parts.path.lstrip("/")
        if local.is_file():
            files.add(local)
    raw = sum(path.stat().st_size for path in files)
    compressed = sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)
    return {"page": url, "files": len(files), "bytes": raw, "gzip_bytes": compressed}


def page_weights(copy: Path) -> dict:
    site = copy / "site"
    lessons = [_weight(site, page) for page in sorted((site / "lessons").glob("*/index.html"))]
    return {"landing": _weight(site, site / "index.html"), "heaviest_lesson": max(lessons, key=lambda w: w["bytes"])}


def where_the_time_goes(copy: Path, runs: int) -> dict:
    """Kernel start-up and torch import in a kernel, spawned and forked from the kernel template
    (measured with the runner's own client), the template's own start; the notebook-to-HTML
    conversion of each executed lesson, as mkdocs-jupyter does it."""
    from mkdocs_jupyter import convert
    from nbclient import NotebookClient

    from lesson_runner import forked_kernels

    def kernel_seconds(source: str, template=None) -> float:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as workdir, open(os.devnull, "wb") as quiet:
            NotebookClient(
                notebook,
                kernel_name="python3",
                kernel_manager_class=forked_kernels.manager_class(template),
                shutdown_kernel="immediate",  # as the runner does
                resources={"metadata": {"path": workdir}},
            ).execute(stderr=quiet)
        return time.perf_counter() - started

    start_up = median([kernel_seconds("pass") for _ in range(runs)])
    with_torch = median([kernel_seconds("import torch") for _ in range(runs)])
    template_starts = []
    for _ in range(runs):
        started = time.perf_counter()
        template = forked_kernels.KernelTemplate()
        template.wait_until_ready()
        template_starts.append(time.perf_counter() - started)
        template.close()
    template = forked_kernels.KernelTemplate()
    template.wait_until_ready()  # what a kernel costs once the template is there
    try:
        forked_start_up = median([kernel_seconds("pass", template) for _ in range(runs)])
        forked_with_torch = median([kernel_seconds("import torch", template) for _ in range(runs)])
    finally:
        template.close()
    conversion = {}
    for executed in sorted((copy / ".cache" / "lessons").glob("*/lessons/*.ipynb")):
        started = time.perf_counter()
        convert.nb2html(str(executed), execute=False, theme="light")
        conversion[executed.name] = time.perf_counter() - started
    return {
        "kernel_start_up": start_up,
        "torch_import_in_a_kernel": with_torch - start_up,
        "kernel_template_start_up": median(template_starts),
        "forked_kernel_start_up": forked_start_up,
        "torch_import_in_a_forked_kernel": forked_with_torch - forked_start_up,
        "conversion_per_lesson": conversion,
        "conversion_total": sum(conversion.values()),
    }


def _reference_loop() -> float:
    started = time.perf_counter()
    total = 0
    for number in range(REFERENCE_LOOP):
        total += number * number
    return time.perf_counter() - started


def machine_speed(runs: int) -> dict:
    """A fixed piece of pure-Python work, timed: the same loop on every machine and day, so that two
    benches can be told apart by the machine as well as by the code (machines here differ by 2x)."""
    return {"reference_loop": median([_reference_loop() for _ in range(runs)]), "iterations": REFERENCE_LOOP}


# --- report ------------------------------------------------------------------------------------------


def _forked_torch_import(seconds: float) -> str:
    """A forked kernel finds torch imported already: the difference of two medians is then noise
    around zero, and a negative time would read as a fault."""
    if seconds < 0.05:
        return f"costs nothing measurable ({seconds:+.2f} s, noise: the template imported it)"
    return f"takes {seconds:.2f} s"


def ratio_line(name: str, value: float) -> str:
    target = TARGETS[name]
    verdict = "met" if value <= target else f"missed by {value / target - 1:.0%}"
    return f"| {name} | {value:.2f}× | ≤ {target:.1f}× | {verdict} |"


def report(results: dict) -> str:
    m = results["measurements"]

    def row(label, key, note=""):
        if key not in m:
            return f"| {label} | (skipped) | | {note} |"
        values = m[key]["seconds"]
        return f"| {label} | {median(values):.1f} | {len(values)} | {note} |"

    lines = [
        f"Measured {results['date']} on {results['machine']}"
        + (f" — {results['note']}" if results.get("note") else "")
        + f"; the bench took {results['bench_seconds'] / 60:.1f} min",
        "",
        f"Machine speed: {results['machine_speed']['iterations']:,} multiply-adds in a Python loop took "
        f"{results['machine_speed']['reference_loop']:.2f} s (the same loop on every machine: lower is faster).",
        "",
        "| measurement | median (s) | runs | note |",
        "|---|---|---|---|",
        row(
            "cold build (`make build`, every cache cleared)",
            "cold_build",
            f"{m['cold_build']['lessons_executed']} lessons executed",
        ),
        row(
            "warm build (nothing changed)",
            "warm_build",
            f"{m['warm_build']['lessons_executed']} lessons executed; site/ found up to date, nothing rendered",
        ),
        row(
            "warm build, forced (`make build FORCE=1`)",
            "warm_build_forced",
            f"{m['warm_build_forced']['lessons_executed']} lessons executed; every page rendered again",
        ),
        row(
            "one Markdown page edited",
            "markdown_edited",
            f"{m['markdown_edited']['lessons_executed']:.0f} lessons executed",
        ),
        row(
            "one lesson's prose edited",
            "lesson_prose_edited",
            "re-executed: "
            + (", ".join(sorted({name for run in m["lesson_prose_edited"]["re_executed"] for name in run})) or "none"),
        ),
        row(
            "one lesson's code edited",
            "lesson_edited",
            "re-executed: " + ", ".join(sorted({name for run in m["lesson_edited"]["re_executed"] for name in run})),
        ),
        row("bare MkDocs (the Markdown alone)", "bare_mkdocs"),
        row("serial limit (lessons as plain scripts, one after another)", "serial_limit"),
        row("Jupyter Book v1, execution on", "jupyter_book", m.get("jupyter_book", {}).get("version", "")),
        row(
            "`make test` after set-up, nothing cached",
            "make_test",
            "; ".join([*m.get("make_test", {}).get("summary", []), m.get("make_test", {}).get("measured", "")]),
        ),
        "",
        "| ratio | value | target | |",
        "|---|---|---|---|",
    ]
    for name, value in results["ratios"].items():
        lines.append(ratio_line(name, value))
    forced = median(m["warm_build_forced"]["seconds"]) / median(m["bare_mkdocs"]["seconds"])
    lines.append(f"| forced warm build / bare MkDocs (no target: every page rendered again) | {forced:.2f}× | | |")
    weights = results["page_weight"]
    lines += [
        "",
        "| page weight | files | bytes | gzip bytes |",
        "|---|---|---|---|",
        f"| landing page {weights['landing']['page']} | {weights['landing']['files']} | {weights['landing']['bytes']:,} | {weights['landing']['gzip_bytes']:,} |",
        f"| heaviest lesson {weights['heaviest_lesson']['page']} | {weights['heaviest_lesson']['files']} | {weights['heaviest_lesson']['bytes']:,} | {weights['heaviest_lesson']['gzip_bytes']:,} |",
        "",
        "| lesson | executed in the cold build (s, in parallel) | as a plain script (s) | converted to HTML (s) |",
        "|---|---|---|---|",
    ]
    profile = results["where_the_time_goes"]
    for lesson, seconds in m["cold_build"]["per_lesson"].items():
        script = m.get("serial_limit", {}).get("per_lesson", {}).get(lesson)
        converted = profile["conversion_per_lesson"].get(lesson)
        lines.append(
            f"| {lesson} | {seconds:.1f} | {'' if script is None else f'{script:.1f}'} | {'' if converted is None else f'{converted:.2f}'} |"
        )
    lines += [
        "",
        f"Where the time goes: a spawned kernel starts in {profile['kernel_start_up']:.2f} s, and importing torch "
        f"in it takes {profile['torch_import_in_a_kernel']:.2f} s more. The runner forks its kernels from a kernel "
        f"template instead, which starts once per run in {profile['kernel_template_start_up']:.2f} s (torch and the "
        f"kernel's own modules imported); a forked kernel starts in {profile['forked_kernel_start_up']:.2f} s and its "
        f"`import torch` {_forked_torch_import(profile['torch_import_in_a_forked_kernel'])}. Converting the executed lessons "
        f"to HTML takes {profile['conversion_total']:.2f} s in all (cached by mkdocs-jupyter on a warm build).",
        "",
        "A forced warm build, profiled (the share of the build each event handler takes, and that share of the forced warm median):",
        "",
        "| plugin or hook: handler | share | ≈ s |",
        "|---|---|---|",
    ]
    warm = median(m["warm_build_forced"]["seconds"])  # the profiled build renders every page, as a forced one does
    for handler, share in results["warm_build_shares"].items():
        if share >= 0.005 or handler.startswith("search plugin"):
            lines.append(f"| {handler} | {share:.1%} | {share * warm:.2f} |")
    failed = m.get("make_test", {}).get("failed", [])
    if failed:
        where = m["make_test"]["measured"]
        lines += ["", f"`make test` ({where}) failed {len(failed)} test(s): " + ", ".join(failed)]
    lines += ["", "| the bench's own time, by step | s |", "|---|---|"]
    lines += [f"| {name} | {seconds:.0f} |" for name, seconds in results["bench_steps"].items()]
    load = results["load_average"]
    lines += ["", f"Load average (1 min) at the start and the end: {load['start']:.1f}, {load['end']:.1f}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each quick measurement (median)")
    parser.add_argument("--heavy-runs", type=int, default=2, help="runs of the cold build, serial limit and peer")
    parser.add_argument("--skip-peer", action="store_true", help="leave Jupyter Book out")
    parser.add_argument("--skip-test", action="store_true", help="leave `make test` out")
    parser.add_argument(
        "--rerun-test", action="store_true", help="run `make test` even when the run just before is on record"
    )
    parser.add_argument(
        "--note", default="", help="a remark printed with the date, e.g. 'measured while other work ran'"
    )
    arguments = parser.parse_args()

    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    # Where the bench's own minutes go, step by step (not measurements: what each one cost to take).
    spent: dict[str, float] = {}

    def step(name: str, work):
        step_started = time.perf_counter()
        result = work()
        spent[name] = time.perf_counter() - step_started
        return result

    speed = step("machine speed", lambda: machine_speed(arguments.runs))
    print(f"bench: machine speed: the reference loop takes {speed['reference_loop']:.2f} s", flush=True)
    if not arguments.skip_peer:
        step("Jupyter Book's venv (set-up, once per clone)", ensure_peer_venv)
    measurements: dict = {}
    with tempfile.TemporaryDirectory(prefix="shape-matters-bench-") as root:
        copy = step("the copy", lambda: make_copy(Path(root)))
        print(f"bench: a copy of the repository in {copy}", flush=True)
        steps = [
            ("cold_build", lambda: cold_builds(copy, arguments.heavy_runs)),
            ("warm_build", lambda: repeated_builds(copy, arguments.runs)),
            ("warm_build_forced", lambda: repeated_builds(copy, arguments.runs, force=True)),
            ("markdown_edited", lambda: edited_page_builds(copy, arguments.runs)),
            ("lesson_prose_edited", lambda: edited_lesson_builds(copy, arguments.runs, prose=True)),
            ("lesson_edited", lambda: edited_lesson_builds(copy, arguments.runs, prose=False)),
        ]
        bare_config = write_bare_config(copy)
        steps += [
            ("bare_mkdocs", lambda: repeated_builds(copy, arguments.runs, bare_config)),
            ("serial_limit", lambda: serial_limit(copy, arguments.heavy_runs)),
        ]
        if not arguments.skip_peer:
            steps.append(("jupyter_book", lambda: peer_builds(copy, arguments.heavy_runs)))
        for name, work in steps:
            measurements[name] = step(name, work)
            print(
                f"bench: {name}: {median(measurements[name]['seconds']):.1f} s (step took {spent[name]:.0f} s)",
                flush=True,
            )

        # The lesson edits left lesson 1 as committed but its deck and page rendered for the edited
        # copy: one build renders them again, so that the page weights and the profile below see
        # the site as committed, and the profile a build with nothing left to do.
        def weigh_and_profile():
            timed(MAKE + ["build"], copy)
            return page_weights(copy), profiled_warm_build(copy)

        weights, shares = step("page weights and the profiled build", weigh_and_profile)
        profile = step("where the time goes", lambda: where_the_time_goes(copy, arguments.runs))
        if not arguments.skip_test:
            measurements["make_test"] = step("make_test", lambda: make_test(copy, arguments.rerun_test))
            print(
                f"bench: make_test: {measurements['make_test']['seconds'][0]:.1f} s "
                f"({measurements['make_test']['measured']})",
                flush=True,
            )

    cold = median(measurements["cold_build"]["seconds"])
    ratios = {"cold build / serial limit": cold / median(measurements["serial_limit"]["seconds"])}
    if "jupyter_book" in measurements:
        ratios["cold build / Jupyter Book v1"] = cold / median(measurements["jupyter_book"]["seconds"])
    ratios["warm build / bare MkDocs"] = median(measurements["warm_build"]["seconds"]) / median(
        measurements["bare_mkdocs"]["seconds"]
    )
    results = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "note": arguments.note,
        "measurements": measurements,
        "ratios": ratios,
        "targets": TARGETS,
        "page_weight": weights,
        "where_the_time_goes": profile,
        "warm_build_shares": shares,
        "load_average": {"start": load_at_start, "end": os.getloadavg()[0]},
        "machine_speed": speed,
        "bench_steps": spent,
        "bench_seconds": time.perf_counter() - started,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = report(results)
    (RESULTS / "latest.md").write_text(table + "\n")
    print()
    print(table)
    print(f"\nbench: took {results['bench_seconds']:.0f} s; wrote {RESULTS / 'latest.json'} and latest.md")


if __name__ == "__main__":
    main()
