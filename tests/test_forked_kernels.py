"""The kernels forked from the kernel template: each one as fresh as a spawned kernel.

That a forked kernel prints exactly what a spawned one prints is checked on every lesson by the
determinism pass (`pytest -m lessons --determinism`, run by .ci/run): its second run spawns."""

import asyncio
import concurrent.futures
import json
import signal

import nbformat
import pytest
from nbclient import NotebookClient

import lesson_runner
from lesson_runner import forked_kernels

pytestmark = pytest.mark.skipif(not forked_kernels.forking_wanted(), reason="kernels are spawned here")

LOOK_AROUND = """
import json, os, random, sys
import numpy
print(json.dumps({
    "pid": os.getpid(),
    "parent": os.getppid(),
    "own_session": os.getsid(0) == os.getpid(),
    "cwd": os.getcwd(),
    "path": sys.path,
    "random": random.random(),
    "numpy": float(numpy.random.random()),
    "names": sorted(name for name in globals() if not name.startswith("_")),
    "torch_loaded": "torch" in sys.modules,
}))
"""


def run_async(coroutine):
    """asyncio.run in a thread of its own: the browser tests leave Playwright's loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def run(code: str, template, cwd) -> dict:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    client = NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        kernel_manager_class=forked_kernels.manager_class(template),
        # Killed once it has answered, as the runner's kernels are: a graceful shutdown tore torch
        # down in every forked kernel first (about 1.4 s each), with nothing left to read.
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(cwd)}},
    )
    run_async(client.async_execute())
    [output] = notebook.cells[0].outputs
    return json.loads(output.text)


@pytest.fixture(scope="module")
def template():
    template = forked_kernels.KernelTemplate()
    yield template
    template.close()


def test_a_forked_kernel_starts_as_a_spawned_kernel_does(template, tmp_path):
    forked, spawned = run(LOOK_AROUND, template, tmp_path), run(LOOK_AROUND, None, tmp_path)
    assert forked["parent"] == template.process.pid != spawned["parent"]  # it was forked
    assert forked["own_session"] and spawned["own_session"]  # interrupts reach its process group
    assert forked["cwd"] == spawned["cwd"] == str(tmp_path)
    assert forked["path"] == spawned["path"]  # imports find what they would find
    assert forked["torch_loaded"] and not spawned["torch_loaded"]  # imported once, in the template ...
    # ... but the lesson's namespace holds only what it made: `torch` without `import torch` fails.
    assert forked["names"] == spawned["names"]
    assert "torch" not in forked["names"]


def test_forked_kernels_do_not_share_the_templates_random_state(template, tmp_path):
    """A fork copies the generators' state: without a fresh seed, an unseeded lesson would print the
    same numbers every run and the determinism check could not catch it."""
    first, second = run(LOOK_AROUND, template, tmp_path), run(LOOK_AROUND, template, tmp_path)
    assert first["pid"] != second["pid"]
    assert first["random"] != second["random"]
    assert first["numpy"] != second["numpy"]


def test_a_kernel_is_spawned_when_the_template_is_gone(tmp_path):
    template = forked_kernels.KernelTemplate()
    template.process.kill()
    template.process.wait()
    try:
        seen = run(LOOK_AROUND, template, tmp_path)
    finally:
        template.close()
    assert seen["parent"] != template.process.pid
    assert seen["cwd"] == str(tmp_path)


def test_the_kernel_template_ends_when_the_harness_hangs_up():
    template = forked_kernels.KernelTemplate()
    template.wait_until_ready()
    template.close()
    assert template.process.returncode == 0


def test_a_template_closed_while_it_imports_is_stopped_not_waited_for():
    template = forked_kernels.KernelTemplate()  # started at once; only the first fork waits for it
    template.close()
    assert template.process.returncode == -signal.SIGTERM


def test_the_template_reports_how_each_kernel_ended(template, tmp_path):
    manager = forked_kernels.manager_class(template)(kernel_name="python3")

    async def start_and_kill():
        await manager.start_kernel(cwd=str(tmp_path))
        process = manager.provisioner.process
        assert process.poll() is None
        await manager.shutdown_kernel(now=True)
        return process

    process = run_async(start_and_kill())
    assert process.wait(timeout=10) == -9  # killed: the template reaped it and said so


class TemplateOfKernelsThatDie(forked_kernels.KernelTemplate):
    """A real template whose kernels die at once: each is given an option ipykernel does not know."""

    def fork(self, argv, cwd, env, stdout, stderr):
        return super().fork([*argv, "--no-such-option"], cwd, env, stdout, stderr)


def test_a_kernel_that_does_not_start_is_started_again_spawned(tmp_path, monkeypatch):
    lesson = tmp_path / "lesson.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('ran')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, lesson)
    monkeypatch.setitem(lesson_runner.RUN_LOG, "kernel_restarts", [])
    source = lesson_runner._lesson_source(lesson, lesson_runner.environment_fingerprint())
    template = TemplateOfKernelsThatDie()
    try:
        executed = run_async(lesson_runner._execute(source, 20, template))
    finally:
        template.close()
    assert executed.problems == [] and executed.notebook.cells[0].outputs[0].text == "ran\n"
    [restart] = lesson_runner.RUN_LOG["kernel_restarts"]
    assert restart.startswith("lesson.ipynb: RuntimeError: Kernel died before replying to kernel_info"), restart
    assert "unrecognized arguments: --no-such-option" in restart, f"the kernel's last words are kept: {restart}"


def test_a_kernel_that_does_not_start_twice_is_a_sentence(tmp_path, monkeypatch):
    lesson = tmp_path / "lesson.ipynb"
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# A"), nbformat.v4.new_code_cell("x = 1")]
    )
    nbformat.write(notebook, lesson)

    async def never_starts(source, timeout, template=None):
        raise lesson_runner._KernelDidNotStart("RuntimeError: Kernel died before replying to kernel_info")

    monkeypatch.setattr(lesson_runner, "_execute_once", never_starts)
    monkeypatch.setitem(lesson_runner.RUN_LOG, "kernel_restarts", [])
    source = lesson_runner._lesson_source(lesson, lesson_runner.environment_fingerprint())
    executed = run_async(lesson_runner._execute(source, 20, None))
    assert [str(problem) for problem in executed.problems] == [
        "lesson.ipynb, cell 2 ('x = 1'): never ran: the kernel did not start, twice "
        "(RuntimeError: Kernel died before replying to kernel_info)"
    ]
