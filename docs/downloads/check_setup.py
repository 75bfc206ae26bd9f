"""Shape Matters: is this Python ready for the lessons? Run it before the workshop:

    python check_setup.py

It needs nothing but Python 3 (no Jupyter). It prints one line for Python and one for each
package the lessons import, with its version against the one the lessons were tested with, runs
the lessons' fixed CNN once on a batch of two blank images, and ends with one line: READY, or
NOT READY and exactly what to install. The exit code is 0 when ready, 1 when not.
"""

import importlib
import sys

# What the lessons were tested with; tests/test_setup_check.py holds each of these equal to its
# source: the Python that runs the test suite, torch's Requires-Python, requirements.txt's pins.
TESTED_PYTHON = (3, 11)
TORCH_NEEDS_PYTHON = (3, 10)  # the oldest Python the pinned torch installs on
PINNED = {
    "torch": "2.13.0",
    "torchsummary": "1.5.1",
    "torchinfo": "1.8.0",
    "numpy": "2.4.6",
    "matplotlib": "3.11.2",
    "scikit-learn": "1.9.1",
}
# Where the name a package is installed under is not the name it is imported by.
IMPORT_NAMES = {"scikit-learn": "sklearn"}
CPU_WHEELS = "https://download.pytorch.org/whl/cpu"
PIP = "python -m pip install"


def dotted(version):
    return ".".join(str(part) for part in version)


def report(status, text):
    print(f"  {status:<9}{text}")


def check_python():
    """True if this Python can run the rest of the check (importlib.metadata came in 3.8)."""
    version, tested = dotted(sys.version_info[:3]), dotted(TESTED_PYTHON)
    # A learner's Python may be any Python 3: this file keeps to syntax that 3.6 still reads.
    if sys.version_info[:2] < (3, 8):  # noqa: UP036
        report("TOO OLD", f"Python {version}: the lessons were tested with Python {tested}")
        return False
    if sys.version_info[:2] == TESTED_PYTHON:
        report("ok", f"Python {version} (the lessons were tested with Python {tested})")
    elif sys.version_info[:2] < TORCH_NEEDS_PYTHON:
        report(
            "WARNING",
            f"Python {version}: torch {PINNED['torch']} needs Python {dotted(TORCH_NEEDS_PYTHON)} or newer; "
            f"the lessons were tested with Python {tested}",
        )
    else:
        report("WARNING", f"Python {version}: the lessons were tested with Python {tested}; they may still run")
    return True


def installed_version(name, module):
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return getattr(module, "__version__", "unknown")


def same_release(installed, pinned):
    # pip's "torch==2.13.0" accepts "2.13.0+cpu": a local label (+cpu, +cu126) names the build.
    return installed.split("+")[0] == pinned


def torch_build(torch):
    build = "CPU" if torch.version.cuda is None else "CUDA"
    return (
        f"; {build} build: torch.version.cuda is {torch.version.cuda}, "
        f"torch.cuda.is_available() is {torch.cuda.is_available()} (the lessons need no GPU)"
    )


def check_package(name, problems, differences):
    """Imports the package and reports it: ok, a different version (a warning) or a problem."""
    pinned = PINNED[name]
    import_name = IMPORT_NAMES.get(name, name)
    try:
        module = importlib.import_module(import_name)
    except ModuleNotFoundError as error:
        if error.name == import_name:
            report("MISSING", f"{name}: not installed (the lessons were tested with {pinned})")
            problems.append((name, "missing"))
        elif error.name in [IMPORT_NAMES.get(other, other) for other in PINNED]:
            # torchsummary imports numpy without declaring it: numpy's own line says to install it.
            report("NEEDS", f"{name}: installed, but `import {import_name}` needs {error.name} (see its own line)")
        else:
            report("BROKEN", f"{name}: installed, but `import {import_name}` fails: ModuleNotFoundError: {error}")
            problems.append((name, "broken"))
        return None
    except Exception as error:
        report("BROKEN", f"{name}: installed, but `import {import_name}` fails: {type(error).__name__}: {error}")
        problems.append((name, "broken"))
        return None
    version = installed_version(name, module)
    build = torch_build(module) if name == "torch" else ""
    if same_release(version, pinned):
        report("ok", f"{name} {version} (pinned {pinned}){build}")
    else:
        report(
            "WARNING", f"{name} {version} (pinned {pinned}): not the tested version, the lessons may still run{build}"
        )
        differences.append(name)
    return module


def forward_pass(torch):
    """The lessons' fixed CNN on a batch of 2 blank 28x28 images: True if it gives (2, 10)."""
    from torch import nn

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Sequential(nn.Conv2d(1, 16, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
            self.conv2 = nn.Sequential(nn.Conv2d(16, 32, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
            self.out = nn.Linear(32 * 7 * 7, 10)

        def forward(self, x):
            x = self.conv2(self.conv1(x))
            x = x.view(x.size(0), -1)
            return self.out(x), x

    torch.manual_seed(0)
    try:
        with torch.no_grad():
            output, _ = CNN()(torch.zeros(2, 1, 28, 28))
    except Exception as error:
        report("FAILED", f"forward pass of the fixed CNN on zeros (2, 1, 28, 28): {type(error).__name__}: {error}")
        return False
    shape = tuple(output.shape)
    if shape != (2, 10):
        report("FAILED", f"forward pass of the fixed CNN on zeros (2, 1, 28, 28) gives {shape}, not (2, 10)")
        return False
    report("ok", "forward pass of the fixed CNN on zeros (2, 1, 28, 28) gives (2, 10)")
    return True


def pip_commands(missing, broken, cpu_torch=False):
    """The pip lines that install the missing packages and reinstall the broken ones, as pinned.
    With cpu_torch, torch gets a line of its own, from PyTorch's index of CPU-only wheels."""
    commands = []
    for names, option in [(missing, ""), (broken, "--force-reinstall ")]:
        if cpu_torch and "torch" in names:
            commands.append(f"{PIP} {option}torch=={PINNED['torch']} --index-url {CPU_WHEELS}")
            names = [name for name in names if name != "torch"]
        if names:
            commands.append(f"{PIP} {option}" + " ".join(f"{name}=={PINNED[name]}" for name in names))
    return " && ".join(commands)


def not_ready_line(problems):
    missing = [name for name, kind in problems if kind == "missing"]
    broken = [name for name, kind in problems if kind == "broken"]
    what = ", ".join(missing + [f"{name} again" for name in broken])
    if "torch" in missing and sys.version_info[:2] < TORCH_NEEDS_PYTHON:
        what = f"Python {dotted(TESTED_PYTHON)} (torch {PINNED['torch']} needs {dotted(TORCH_NEEDS_PYTHON)} or newer), then {what}"
    return f"NOT READY: install {what}: {with_cpu_torch(missing, broken)}"


def with_cpu_torch(missing, broken):
    """The pip lines, and if they install torch, the same with torch's small CPU-only build."""
    commands = pip_commands(missing, broken)
    if "torch" in missing + broken:
        commands += f" (or, for the small CPU-only torch: {pip_commands(missing, broken, cpu_torch=True)})"
    return commands


def main():
    print("Shape Matters set-up check")
    if not check_python():
        print(f"NOT READY: install Python {dotted(TESTED_PYTHON)} (python.org), then run this check with it")
        return 1
    problems, differences = [], []
    modules = {name: check_package(name, problems, differences) for name in PINNED}
    torch = modules["torch"]
    if torch is None:
        report("SKIPPED", "forward pass: needs torch")
    elif not forward_pass(torch):
        problems.append(("torch", "broken"))
    if problems:
        print(not_ready_line(problems))
        return 1
    ready = "READY: every package the lessons import is installed and the fixed CNN runs"
    if differences:
        ready += f"; for the tested versions exactly (WARNING above): {with_cpu_torch(differences, [])}"
    print(ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
