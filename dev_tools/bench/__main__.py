"""`python -m dev_tools.bench` (`make bench`): every measurement in order, then the table."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import dev_tools.bench
from dev_tools.bench.builds import (
    cold_builds,
    edited_lesson_builds,
    edited_page_builds,
    profiled_warm_build,
    repeated_builds,
    write_bare_config,
)
from dev_tools.bench.common import MAKE, make_copy, median, timed
from dev_tools.bench.pages import page_weights
from dev_tools.bench.peer import ensure_peer_venv, peer_builds
from dev_tools.bench.profile import machine_speed, where_the_time_goes
from dev_tools.bench.report import TARGETS, report
from dev_tools.bench.serial_limit import serial_limit
from dev_tools.bench.suite import make_test

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench", description=dev_tools.bench.__doc__.splitlines()[0])
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


if __name__ == "__main__":
    main()
