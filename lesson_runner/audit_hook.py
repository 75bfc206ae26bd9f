"""Runs inside the lesson's kernel, before its first cell: records what the lesson reaches outside itself.

lesson_runner sends this file's source to the kernel as a silent execution (it is no cell of the
lesson), then calls `install`. From then on Python's audit hooks (PEP 578) report to it every
network access and every file the lesson opens; it writes one JSON line per finding to a log that
lives outside the lesson's working folder, with the number of the cell that was running:

    {"cell": 4, "what": "read a file it did not create: /etc/hostname"}

A lesson may read what it created itself (anything in its empty working folder, or a file it
opened for writing elsewhere, such as a temporary file) and Python's own installation with its
packages (which load their code and data files from there). Everything else is a finding.
It imports nothing from the repository: a lesson must stand alone, and so must its watcher.
"""

import json
import os
import site
import sys


def _allowed_folders(workdir: str, extra: list[str]) -> tuple[str, ...]:
    folders = [workdir, *extra]
    # Python itself and its installed packages (a package reads its own data files, e.g. scikit-learn's digits).
    folders += [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    folders += site.getsitepackages() + [site.getusersitepackages()]
    # What the operating system says about itself: CPU count, memory, devices.
    folders += ["/proc", "/sys", "/dev"]
    # Fonts, and matplotlib's own caches of them (it writes them itself on first use).
    folders += ["/usr/share/fonts", "/etc/fonts", "/usr/share/matplotlib"]
    folders += [os.path.join(os.path.expanduser("~"), ".cache", "matplotlib")]
    folders += [os.path.join(os.path.expanduser("~"), ".config", "matplotlib")]
    if os.environ.get("MPLCONFIGDIR"):
        folders.append(os.environ["MPLCONFIGDIR"])
    return tuple(os.path.realpath(folder) + os.sep for folder in folders if folder)


def install(log_path: str, workdir: str, current_cell, extra_allowed: list[str] = ()) -> None:
    """Start recording. `current_cell()` gives the number of the cell running now, or None between cells."""
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    allowed = _allowed_folders(workdir, list(extra_allowed))
    created: set[str] = set()
    busy = [False]  # the hook's own work (json, realpath) must not report itself

    def record(what: str) -> None:
        cell = current_cell()
        if cell is not None:
            os.write(log, (json.dumps({"cell": cell, "what": what}) + "\n").encode())

    def on_open(path, flags) -> None:
        if isinstance(path, int):
            return  # an already open file descriptor
        full = os.path.realpath(os.path.abspath(os.fsdecode(path)))
        if flags is not None and flags & os.O_CREAT:
            created.add(full)
            return
        if full in created or (full + os.sep).startswith(allowed):
            return
        record(f"read a file it did not create: {full}")

    def hook(event: str, args: tuple) -> None:
        if busy[0]:
            return
        if event == "open":
            busy[0] = True
            try:
                on_open(args[0], args[2])
            finally:
                busy[0] = False
        elif event in ("socket.connect", "socket.sendto"):
            busy[0] = True
            try:
                record(f"read the network: connect to {args[1]!r}")
            finally:
                busy[0] = False
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            busy[0] = True
            try:
                record(f"read the network: look up the address of {args[0]!r}")
            finally:
                busy[0] = False

    sys.addaudithook(hook)
