"""The kernel template: one process that has imported what every lesson imports, and forks kernels.

A spawned kernel starts a fresh Python, imports IPython and ipykernel, and then spends seconds
importing torch: nine lessons would pay for the same imports nine times, more than the lessons'
own work. The template pays once. For each kernel the harness asks for, it forks: the child
is a new process with nothing of any lesson in it, only the modules already imported, and it runs
`python -m ipykernel_launcher` exactly as a spawned kernel would (its own session, working folder,
environment, standard streams, and fresh random seeds).

Run as a script by `lesson_runner.forked_kernels` (never imported by the harness):

    python kernel_template.py <fd of a SOCK_SEQPACKET socket>

Requests arrive on the socket as JSON, with file descriptors beside them:
- {"fork": {"argv": [...], "cwd": ..., "env": {...}}} with the kernel's stdin, stdout and stderr:
  the answer is {"pid": n} with a pidfd of the child (it tells the harness when the kernel ends);
- {"exit_code": pid} once the pidfd said the child ended: the answer is {"exit_code": n}.
The template ends when the harness closes its end of the socket.

Only the standard library here: the template must not import the harness (nbformat, nbclient...), so
that a kernel holds nothing a spawned kernel would not.
"""

import json
import os
import runpy
import socket
import sys

# What a kernel imports before the first cell, and the heavy packages the lessons import. matplotlib's
# pyplot is left out on purpose: importing it wires the inline backend into the running IPython shell,
# and there is none in the template.
PRELOAD = [
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "numpy",
    "torch",
    "torch.nn",
    "torchsummary",
    "torchinfo",
    "matplotlib",
    # What pyplot imports besides the backend (a third of a second per lesson that draws).
    "matplotlib.figure",
    "matplotlib.backend_bases",
    "matplotlib.backends.backend_agg",
    "matplotlib.patches",
    "sklearn.datasets",
]
KERNEL_MODULE = "ipykernel_launcher"
MAX_FDS = 3


def preload() -> None:
    # matplotlib reads its backend from the environment when it is imported. ipykernel sets exactly
    # this before any cell runs, so a lesson that imports matplotlib finds the backend it would find.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # Several kernels share the cores. An OpenMP thread of torch that waits for work spins by
    # default, on a core another kernel needs; passive, it sleeps and leaves that core free.
    # OpenMP reads this once, when torch loads it, here; it changes no output, and the kernels'
    # own environment stays as it was given.
    passive = "OMP_WAIT_POLICY" not in os.environ
    if passive:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass  # a lesson that needs it imports it itself, and fails as it would anywhere
    del os.environ["MPLBACKEND"]
    if passive:
        del os.environ["OMP_WAIT_POLICY"]
    warm_tracebacks()


# The library files the lessons' errors pass through (their tracebacks show a frame of each).
_TRACEBACK_MODULES = [
    "torch.nn.modules.module",
    "torch.nn.modules.container",
    "torch.nn.modules.linear",
    "torch.nn.modules.conv",
    "torch.nn.modules.pooling",
    "torch.nn.modules.flatten",
    "torch.nn.modules.loss",
    "torch.nn.functional",
    "torchsummary.torchsummary",
]


def warm_tracebacks() -> None:
    """IPython draws a traceback from the source of each frame, which stack_data reads and parses
    whole the first time it meets a file: a third of a second for torch's module files, in every
    kernel's first error. Parsed here once, each forked kernel finds them parsed; what a traceback
    shows is unchanged (a spawned kernel parses the same files). Only parsing: no torch operation
    may run in the template, whose forks would inherit a thread pool they cannot use."""
    try:
        import stack_data
    except ImportError:
        return
    for name in _TRACEBACK_MODULES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            source = stack_data.Source.for_filename(module.__file__)
            source.pieces  # noqa: B018 - computed once and kept on the source, as a traceback asks


def _from_pythonpath(env) -> list[str]:
    return [os.path.abspath(entry) for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry]


def _interpreter_path() -> list[str]:
    """The template's sys.path as Python made it, without what depends on the folder it started in:
    its own script's folder (first) and the PYTHONPATH entries."""
    given = set(_from_pythonpath(os.environ))
    return [entry for entry in sys.path[1:] if entry not in given]


INTERPRETER_PATH = _interpreter_path()


def startup_path(env) -> list[str]:
    """The sys.path `python -m ipykernel_launcher` starts with in the current folder: PYTHONPATH's
    entries (made absolute against it) and the interpreter's own, each once (as `site` leaves them),
    after the folder itself (which `-m` puts first once `site` is done)."""
    return [os.getcwd(), *dict.fromkeys([*_from_pythonpath(env), *INTERPRETER_PATH])]


def become_kernel(request: dict, fds: list[int]) -> int:
    """In the forked child: turn into `python -m ipykernel_launcher ...` and run it to the end."""
    os.setsid()  # a session of its own, as jupyter_client starts kernels: interrupts reach its group
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # A fresh interpreter seeds these from the system's entropy; a fork would copy the template's.
    import random

    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    sys.path[:] = startup_path(request["env"])
    sys.argv = [request["argv"][0], *request["argv"][3:]]
    try:
        runpy.run_module(KERNEL_MODULE, run_name="__main__", alter_sys=True)
    except SystemExit as leaving:
        code = leaving.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def serve(channel: socket.socket) -> dict | None:
    """Answer requests until the harness hangs up. Returns the request in a forked child."""
    while True:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 20, MAX_FDS)
        if not message:
            return None
        request = json.loads(message)
        if "fork" in request:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                channel.close()
                request["fds"] = fds
                return request
            for fd in fds:
                os.close(fd)
            pidfd = os.pidfd_open(pid)
            socket.send_fds(channel, [json.dumps({"pid": pid}).encode()], [pidfd])
            os.close(pidfd)
        elif "exit_code" in request:
            _, status = os.waitpid(request["exit_code"], 0)
            channel.send(json.dumps({"exit_code": os.waitstatus_to_exitcode(status)}).encode())


def main() -> None:
    channel = socket.socket(fileno=int(sys.argv[1]))
    preload()
    try:
        channel.send(b'{"ready": true}')
        child = serve(channel)
    except (BrokenPipeError, ConnectionResetError):
        return  # the harness went away: nothing is left to do
    if child is None:
        # Done, with nothing to write: leave without tearing torch down, which takes over a
        # second that the harness would spend waiting for this process to end.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    fork = child["fork"]
    sys.exit(become_kernel(fork, child["fds"]))


if __name__ == "__main__":
    main()
