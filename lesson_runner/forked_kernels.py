"""Kernels forked from the kernel template (kernel_template.py) instead of started from nothing.

`KernelTemplate` starts the template process and asks it for kernels; `manager_class(template)` is
the kernel manager nbclient is given, so a lesson's kernel comes from the template and everything
else (ports, connection file, messages, interrupt, shutdown) is jupyter_client's own code.

Where forking cannot work (not Linux, or the template failed to start), a kernel is spawned as
before. SHAPE_MATTERS_KERNELS=spawn asks for spawned kernels everywhere.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

TEMPLATE = Path(__file__).with_name("kernel_template.py")
VARIABLE = "SHAPE_MATTERS_KERNELS"


def forking_wanted() -> bool:
    return os.environ.get(VARIABLE, "fork") != "spawn" and hasattr(os, "pidfd_open") and hasattr(os, "fork")


class TemplateFailed(RuntimeError):
    pass


class KernelTemplate:
    """The template process, started at once; `fork` waits for its imports only when first asked."""

    def __init__(self) -> None:
        self._channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._lock = threading.Lock()
        self._ready = False
        self.failed = False  # once a fork failed, every kernel is spawned instead
        try:
            self.process = subprocess.Popen(
                [sys.executable, str(TEMPLATE), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                # What a kernel's environment holds, so that what modules read from it at import
                # (ipykernel reads JPY_PARENT_PID then) is what a spawned kernel would read.
                env={**os.environ, "JPY_PARENT_PID": str(os.getpid())},
                start_new_session=True,  # a Ctrl-C in the terminal goes to the harness, not to the template
            )
        finally:
            theirs.close()

    def wait_until_ready(self) -> None:
        """Returns once the template has made its imports (the first fork waits for this anyway)."""
        with self._lock:
            self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        if not self._ready:
            self._receive()
            self._ready = True

    def _ask(self, request: dict, fds: list[int] = ()) -> tuple[dict, list[int]]:
        with self._lock:
            if self.failed:
                raise TemplateFailed("the kernel template failed before")
            try:
                self._wait_until_ready()
                socket.send_fds(self._channel, [json.dumps(request).encode()], list(fds))
                return self._receive()
            except (TemplateFailed, OSError):
                self.failed = True
                raise

    def _receive(self) -> tuple[dict, list[int]]:
        message, fds, _, _ = socket.recv_fds(self._channel, 1 << 16, 1)
        if not message:
            raise TemplateFailed(f"the kernel template ended (exit code {self.process.wait()})")
        return json.loads(message), fds

    def fork(self, argv: list[str], cwd: str, env: dict[str, str], stdout: int, stderr: int) -> ForkedProcess:
        with open(os.devnull, "rb") as stdin:
            answer, fds = self._ask({"fork": {"argv": argv, "cwd": cwd, "env": env}}, [stdin.fileno(), stdout, stderr])
        return ForkedProcess(self, answer["pid"], fds[0])

    def exit_code(self, pid: int) -> int:
        try:
            return self._ask({"exit_code": pid})[0]["exit_code"]
        except (TemplateFailed, OSError):
            return -signal.SIGKILL  # the template went first, and took the kernel's status with it

    def close(self) -> None:
        self._channel.close()  # the template reads the end of its requests and leaves
        if not self._ready:
            self.process.terminate()  # still importing, so it cannot read the end yet: stopped
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkedProcess:
    """What jupyter_client expects of a kernel's Popen, for a kernel that is the template's child."""

    stdin = stdout = stderr = None

    def __init__(self, template: KernelTemplate, pid: int, pidfd: int) -> None:
        self._template, self.pid, self._pidfd = template, pid, pidfd
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = self._template.exit_code(self.pid)
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not select.select([self._pidfd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(["kernel", str(self.pid)], timeout)
        return self.poll()

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _fd(stream, default: int) -> int | None:
    if stream is None:
        return default  # inherited, as Popen would
    if hasattr(stream, "fileno"):
        return stream.fileno()
    return stream if isinstance(stream, int) and stream >= 0 else None  # PIPE, DEVNULL: not handled here


class ForkedProvisioner(LocalProvisioner):
    template: KernelTemplate  # set by manager_class

    async def launch_kernel(self, cmd: list[str], **kwargs):
        stdout, stderr = _fd(kwargs.get("stdout"), 1), _fd(kwargs.get("stderr"), 2)
        ours = cmd[1:3] == ["-m", "ipykernel_launcher"] and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        if self.template.failed or not ours or stdout is None or stderr is None:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = dict(kwargs.get("env") or os.environ)
        env.setdefault("JPY_PARENT_PID", str(os.getpid()))
        try:
            self.process = self.template.fork(cmd, cwd, env, stdout, stderr)
        except (TemplateFailed, OSError) as failure:
            # The lesson still runs, in a spawned kernel; the template is not asked again (`failed`).
            self.log.warning("kernel template unusable (%s): spawning the kernel instead", failure)
            return await super().launch_kernel(cmd, **kwargs)
        self.pid = self.pgid = self.process.pid  # the kernel leads a session of its own
        self.cwd = cwd
        return self.connection_info


def manager_class(template: KernelTemplate | None) -> type[AsyncKernelManager]:
    """A kernel manager whose kernels the template forks (jupyter_client's own, with no template)."""
    if template is None:
        return AsyncKernelManager
    provisioner = type("TemplateProvisioner", (ForkedProvisioner,), {"template": template})

    class TemplateKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or os.urandom(16).hex()
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return TemplateKernelManager
