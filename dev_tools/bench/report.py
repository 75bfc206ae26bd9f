"""The bench's table: the measurements, the ratios against their targets, and where the time goes."""

from __future__ import annotations

from dev_tools.bench.common import median

TARGETS = {
    "cold build / serial limit": 1.0,
    "cold build / Jupyter Book v1": 0.5,
    "warm build / bare MkDocs": 1.2,
}


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


def _forked_torch_import(seconds: float) -> str:
    """A forked kernel finds torch imported already: the difference of two medians is then noise
    around zero, and a negative time would read as a fault."""
    if seconds < 0.05:
        return f"costs nothing measurable ({seconds:+.2f} s, noise: the template imported it)"
    return f"takes {seconds:.2f} s"
