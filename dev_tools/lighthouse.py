"""Lighthouse's performance and accessibility scores of the built site, as GitHub Pages serves it.

    python -m dev_tools.lighthouse [SITE_DIR]     (make lighthouse: builds first)

Serves SITE_DIR (default site/) with dev_tools/pages_server.py (gzip, like GitHub Pages), runs
Lighthouse from node_modules (a dev dependency, pinned in package.json) with the local Chromium
on the landing page and on every lesson page, and reports the landing page and the heaviest
lesson page (by Lighthouse's total byte weight). Lighthouse's defaults: a phone on a slow 4G
connection with a 4x slower CPU, simulated. Scores vary from run to run on a busy machine, so
the two reported pages are measured RUNS times and the run with the median performance score is
reported. Reports go to test-artifacts/lighthouse/.
"""

from __future__ import annotations

import json
import os
import re
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


def audit(url: str, name: str) -> dict:
    report_path = REPORTS / f"{name}.json"
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
    (REPORTS / f"{name}.report.json").replace(report_path)
    (REPORTS / f"{name}.report.html").replace(REPORTS / f"{name}.html")
    report = json.loads(report_path.read_text())
    return {
        "page": url.split("/", 3)[3] or "/",
        "bytes": int(report["audits"]["total-byte-weight"]["numericValue"]),
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "first_contentful_paint_s": round(report["audits"]["first-contentful-paint"]["numericValue"] / 1000, 1),
        "largest_contentful_paint_s": round(report["audits"]["largest-contentful-paint"]["numericValue"] / 1000, 1),
        "lighthouse": report["lighthouseVersion"],
        "browser": report["environment"]["hostUserAgent"],
    }


def median_run(url: str, name: str, first: dict) -> dict:
    runs = [first] + [audit(url, f"{name}-run{number}") for number in range(2, RUNS + 1)]
    median = sorted(runs, key=lambda result: result["performance"])[len(runs) // 2]
    return {**median, "performance_runs": [result["performance"] for result in runs]}


def main(site: Path) -> None:
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: `make lighthouse` installs it (npm ci, with dev dependencies)")
    if not (site / "index.html").is_file():
        sys.exit(f"{site} holds no built site (no index.html): run `make build` first")
    REPORTS.mkdir(parents=True, exist_ok=True)
    lessons = sorted(path.parent.name for path in (site / "lessons").glob("*/index.html"))
    lessons = [name for name in lessons if re.fullmatch(r"\d\d-[a-z0-9-]+", name)]
    with serving(site) as url:
        landing = audit(url, "landing")
        measured = {name: audit(f"{url}lessons/{name}/", name) for name in lessons}
        heaviest_name = max(measured, key=lambda name: measured[name]["bytes"])
        landing = median_run(url, "landing", landing)
        heaviest = median_run(f"{url}lessons/{heaviest_name}/", heaviest_name, measured[heaviest_name])
    summary = {"date": date.today().isoformat(), "landing page": landing, "heaviest lesson page": heaviest}
    summary["all lesson pages"] = list(measured.values())
    (REPORTS / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"Lighthouse {landing['lighthouse']}, {landing['browser']}, {summary['date']}")
    for label in ["landing page", "heaviest lesson page"]:
        result = summary[label]
        print(
            f"{label} ({result['page']}): {result['bytes'] / 1000:.0f} KB, performance {result['performance']}, "
            f"accessibility {result['accessibility']}, first contentful paint {result['first_contentful_paint_s']} s, "
            f"largest {result['largest_contentful_paint_s']} s (performance in {RUNS} runs: {result['performance_runs']})"
        )
    print(f"reports: {REPORTS.relative_to(REPO)}/")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "site")
