"""Where the time goes (kernel start-up, torch import, conversion, search) and the machine's speed."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat

from dev_tools.bench.common import median

# The machine-speed reference: this many multiply-adds in a Python loop (about 1 s on a slow machine here).
REFERENCE_LOOP = 5_000_000


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
