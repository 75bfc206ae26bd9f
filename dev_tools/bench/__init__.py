"""`make bench`: what building and testing Shape Matters costs on this machine.

Everything runs in a throwaway copy of the repository (its tracked and untracked-but-not-ignored
files, with .venv/ and node_modules/ linked), so the developer's caches are never touched. Each
number is the median of several runs:

- cold build: `make build` with every cache cleared (the lessons executed, then rendered);
- warm build: `make build` again, nothing changed (site/ is found up to date, dev_tools/site_stamp.py);
- forced warm build: `make build FORCE=1`, nothing changed, every page rendered again;
- one Markdown page edited / one lesson's prose edited / one lesson's code edited: `make build`, and
  which lessons re-executed;
- bare MkDocs: the same mkdocs.yml without the lessons, their hook and mkdocs-jupyter;
- the serial limit: every lesson's code cells as a plain Python script, one lesson after another;
- the peer: Jupyter Book v1 building the same notebooks with execution on (its own venv, made from
  dev_tools/bench/peer-requirements.txt and cached in .cache/bench-venvs/, never the project's);
- `make test` from a fresh clone after set-up (nothing cached), once: the run just before the bench
  when it was that, on these very sources (dev_tools/suite_record.py), or else a run in the copy;
- the page weight of the landing page and the heaviest lesson page;
- where the time goes: kernel start-up, torch import in a kernel, notebook-to-HTML conversion,
  search indexing;
- the machine's speed (a fixed Python loop), and what each step of the bench itself took.

Writes dev_tools/bench/results/latest.json and latest.md (git-ignored) and prints the table.

    .venv/bin/python -m dev_tools.bench [--runs 3] [--heavy-runs 2] [--skip-peer] [--skip-test] [--rerun-test]

One file per kind of measurement: common.py (the copy, timing), builds.py, serial_limit.py,
peer.py (Jupyter Book), suite.py (`make test`), pages.py (page weight), profile.py (where the
time goes, the machine's speed), report.py (the table); __main__.py runs them in order.
"""
