"""Lighthouse's performance and accessibility scores of every page of the built site, as GitHub
Pages serves it.

    python -m dev_tools.lighthouse [SITE_DIR] [--runs N] [--only SUBSTRING ...]
    (make lighthouse: builds first; LIGHTHOUSE_ARGS="--only lessons/08" measures fewer pages)

Serves SITE_DIR (default site/) with dev_tools/pages_server.py (gzip, like GitHub Pages) and runs
Lighthouse from node_modules (a dev dependency, pinned in package.json) with the local Chromium
on every page of the site: the landing page, the lessons, the tools, the quick reference and the
instructor guide (not the decks under slides/, which are slides, not pages to read on a phone).
Lighthouse's defaults: a phone on a slow 4G connection with a 4x slower CPU, simulated. Scores
vary from run to run on a busy machine, so each page is measured RUNS times and the run with the
median performance score is the one reported. Prints a table, names the worst page and the pages
under the targets, and writes test-artifacts/lighthouse/summary.json (and summary.md, the table
as Markdown) with the median run's reports beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from dev_tools.pages_server import serving

REPO = Path(__file__).resolve().parent.parent
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
REPORTS = REPO / "test-artifacts" / "lighthouse"
CHROMIUM = os.environ.get("SHAPE_MATTERS_CHROMIUM", "/usr/bin/chromium")
RUNS = 3
# The site's own targets (issue 20): every lesson, tool and instructor page at least this fast,
# and every page without an accessibility failure Lighthouse can see.
TARGET_PERFORMANCE = 95
TARGET_ACCESSIBILITY = 100
HELD_TO_PERFORMANCE_TARGET = ("lessons/", "tools/", "instructors/")
OUT_OF_SCOPE = ("slides/",)


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as its path under the site's root ("" is the landing page)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        page = index.parent.relative_to(site).as_posix()
        page = "" if page == "." else page + "/"
        if not page.startswith(OUT_OF_SCOPE):
            pages.append(page)
    return pages


def report_name(page: str) -> str:
    return page.strip("/").replace("/", "--") or "landing"


def audit(url: str, name: str) -> dict:
    """One Lighthouse run on `url`; its reports are test-artifacts/lighthouse/<name>.{json,html}."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            "--output=html",
            f"--output-path={REPORTS / name}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    (REPORTS / f"{name}.report.json").replace(REPORTS / f"{name}.json")
    (REPORTS / f"{name}.report.html").replace(REPORTS / f"{name}.html")
    report = json.loads((REPORTS / f"{name}.json").read_text())
    audits = report["audits"]
    return {
        "report": name,
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "total_blocking_time_ms": round(audits["total-blocking-time"]["numericValue"]),
        "largest_contentful_paint_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 1),
        "first_contentful_paint_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 1),
        "dom_elements": int(audits["dom-size"].get("numericValue") or 0),
        "main_thread_s": round(audits["mainthread-work-breakdown"].get("numericValue", 0) / 1000, 1),
        # Lighthouse's measure of how fast this machine ran while it measured (a quiet desktop core
        # scores about 1,000 or more); the 4x slowdown is applied on top of what the CPU did.
        "benchmark_index": round(report["environment"]["benchmarkIndex"]),
        "lighthouse": report["lighthouseVersion"],
        "browser": report["environment"]["hostUserAgent"],
    }


def measure(base_url: str, page: str, runs: int) -> dict:
    """The page measured `runs` times: the run with the median performance score, with every run's
    performance score and total blocking time beside it. Only that run's reports are kept."""
    name = report_name(page)
    results = [audit(base_url + page, f"{name}-run{number}") for number in range(1, runs + 1)]
    median = sorted(results, key=lambda result: (result["performance"], -result["total_blocking_time_ms"]))[
        len(results) // 2
    ]
    for result in results:
        for suffix in ("json", "html"):
            path = REPORTS / f"{result['report']}.{suffix}"
            if result is median:
                path.replace(REPORTS / f"{name}.{suffix}")
            else:
                path.unlink()
    return {
        "page": "/" + page,
        **median,
        "report": name,
        "performance_runs": [result["performance"] for result in results],
        "total_blocking_time_runs_ms": [result["total_blocking_time_ms"] for result in results],
        "benchmark_index_runs": [result["benchmark_index"] for result in results],
        "load_average_1_min": round(os.getloadavg()[0], 1),
    }


def below_target(result: dict) -> list[str]:
    shortfalls = []
    if result["accessibility"] < TARGET_ACCESSIBILITY:
        shortfalls.append(f"accessibility {result['accessibility']} < {TARGET_ACCESSIBILITY}")
    if result["page"].lstrip("/").startswith(HELD_TO_PERFORMANCE_TARGET) and (
        result["performance"] < TARGET_PERFORMANCE
    ):
        shortfalls.append(f"performance {result['performance']} < {TARGET_PERFORMANCE}")
    return shortfalls


def worst(results: list[dict]) -> dict:
    return min(
        results, key=lambda result: (result["performance"], result["accessibility"], -result["total_blocking_time_ms"])
    )


COLUMNS = [
    "page",
    "KB over the wire",
    "performance",
    "accessibility",
    "TBT",
    "LCP",
    "performance in each run",
    "CPU benchmark",
]


def rows(results: list[dict]) -> list[list[str]]:
    return [
        [
            result["page"],
            f"{result['bytes'] / 1000:.0f}",
            str(result["performance"]),
            str(result["accessibility"]),
            f"{result['total_blocking_time_ms']} ms",
            f"{result['largest_contentful_paint_s']} s",
            ", ".join(str(score) for score in result["performance_runs"]),
            str(result["benchmark_index"]),
        ]
        for result in results
    ]


def text_table(results: list[dict]) -> str:
    table = [COLUMNS, *rows(results)]
    widths = [max(len(row[column]) for row in table) for column in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths))
        )
        for row in table
    )


def markdown_table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    for row in rows(results):
        row[0] = f"`{row[0]}`"
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def write_summary(results: list[dict], runs: int) -> dict:
    """summary.json and summary.md (the table as Markdown) in test-artifacts/lighthouse/."""
    summary = {
        "date": date.today().isoformat(),
        "lighthouse": results[0]["lighthouse"],
        "browser": results[0]["browser"],
        "runs_per_page": runs,
        "load_average": [round(value, 1) for value in os.getloadavg()],
        "worst page": worst(results),
        "below target": {result["page"]: below_target(result) for result in results if below_target(result)},
        "pages": results,
    }
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (REPORTS / "summary.md").write_text(markdown_table(results) + "\n")
    return summary


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=REPO / "site")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per page, the median reported (default {RUNS})")
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="SUBSTRING", help="only the pages whose path holds one"
    )
    options = parser.parse_args(arguments)
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: `make lighthouse` installs it (npm ci, with dev dependencies)")
    if not (options.site / "index.html").is_file():
        sys.exit(f"{options.site} holds no built site (no index.html): run `make build` first")
    pages = site_pages(options.site)
    if options.only:
        pages = [page for page in pages if any(part in "/" + page for part in options.only)]
    REPORTS.mkdir(parents=True, exist_ok=True)
    results = []
    with serving(options.site) as base_url:
        for number, page in enumerate(pages, 1):
            result = measure(base_url, page, options.runs)
            print(
                f"[{number}/{len(pages)}] {result['page']}: performance {result['performance']} "
                f"({result['performance_runs']}), accessibility {result['accessibility']}",
                flush=True,
            )
            results.append(result)
            write_summary(results, options.runs)  # after each page: a long run stopped keeps its pages
    summary = write_summary(results, options.runs)
    worst_page = summary["worst page"]
    shortfalls = summary["below target"]
    load = os.getloadavg()
    print(f"\nLighthouse {summary['lighthouse']}, {summary['browser']}, median of {options.runs} runs per page")
    print(text_table(results))
    print(
        f"\nworst page: {worst_page['page']}, performance {worst_page['performance']}, "
        f"accessibility {worst_page['accessibility']}, total blocking time {worst_page['total_blocking_time_ms']} ms"
    )
    for page, reasons in shortfalls.items():
        print(f"below target: {page}: {', '.join(reasons)}")
    print(f"load average at the end: {', '.join(f'{value:.1f}' for value in load)} ({os.cpu_count()} cores)")
    print(f"reports: {REPORTS.relative_to(REPO)}/ (summary.json, summary.md)")


if __name__ == "__main__":
    main(sys.argv[1:])
