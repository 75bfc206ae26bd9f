"""The learners' set-up check: docs/downloads/check_setup.py, served as downloads/check_setup.py.

It runs in real interpreters: the project's venv, and venvs that really lack one package (the
project's packages made visible through a .pth file, all but that one). Its constants are held
equal to what they stand for: requirements.txt's pins, torch's Requires-Python, the Python that
runs this suite.
"""

import ast
import re
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "docs" / "downloads" / "check_setup.py"
CPU_WHEELS = "https://download.pytorch.org/whl/cpu"
PACKAGES = ["torch", "torchsummary", "torchinfo", "numpy", "matplotlib", "scikit-learn"]


def constant(name: str):
    """A constant of the script, read without importing it (an import would leave a __pycache__
    folder in docs/downloads/, and MkDocs would copy it into the site)."""
    for node in ast.parse(SCRIPT.read_text()).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"check_setup.py defines no {name}")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("#")[0].strip().split("==")
            pins[normalized(name)] = version
    return pins


def run_check(python, *, code=None) -> tuple[int, list[str]]:
    command = [str(python), str(SCRIPT)] if code is None else [str(python), "-c", code]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()
    assert lines and lines[0] == "Shape Matters set-up check", (
        f"check_setup.py printed:\n{result.stdout}{result.stderr}"
    )
    return result.returncode, lines


def ok_line(package: str) -> str:
    version = metadata.version(package)
    line = f"  ok       {package} {version} (pinned {constant('PINNED')[package]})"
    if package == "torch":
        line += "; CPU build: torch.version.cuda is None, torch.cuda.is_available() is False (the lessons need no GPU)"
    return line


def python_line() -> str:
    version = ".".join(str(part) for part in sys.version_info[:3])
    return f"  ok       Python {version} (the lessons were tested with Python 3.11)"


FORWARD_OK = "  ok       forward pass of the fixed CNN on zeros (2, 1, 28, 28) gives (2, 10)"


def test_the_projects_venv_is_ready():
    returncode, lines = run_check(sys.executable)
    assert lines[1:] == [
        python_line(),
        *[ok_line(package) for package in PACKAGES],
        FORWARD_OK,
        "READY: every package the lessons import is installed and the fixed CNN runs",
    ]
    assert returncode == 0


@pytest.fixture
def venv_without(tmp_path):
    """A real venv that sees every package of the project's venv except one: its site-packages
    holds a .pth file naming a folder of symlinks to each entry of the project's site-packages,
    all but the package's folder and its .dist-info."""

    def make(package: str, import_name: str) -> Path:
        venv = tmp_path / f"venv-without-{package}"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        project = Path(sysconfig.get_path("purelib"))
        assert Path(sysconfig.get_path("platlib")) == project, "the project's packages live in two folders"
        visible = tmp_path / f"site-packages-but-{package}"
        visible.mkdir()
        hidden = []
        for entry in project.iterdir():
            if entry.name == import_name or re.fullmatch(rf"{import_name}-[^-]+\.dist-info", entry.name):
                hidden.append(entry.name)
                continue
            (visible / entry.name).symlink_to(entry)
        assert len(hidden) == 2, f"expected {package}'s folder and its .dist-info in {project}, found {hidden}"
        [site_packages] = venv.glob("lib/python*/site-packages")
        (site_packages / "project-packages.pth").write_text(f"{visible}\n")
        return venv / "bin" / "python"

    return make


def test_a_venv_without_torchinfo_is_not_ready_and_names_it(venv_without):
    python = venv_without("torchinfo", "torchinfo")
    returncode, lines = run_check(python)
    assert lines[1:] == [
        python_line(),
        ok_line("torch"),
        ok_line("torchsummary"),
        "  MISSING  torchinfo: not installed (the lessons were tested with 1.8.0)",
        ok_line("numpy"),
        ok_line("matplotlib"),
        ok_line("scikit-learn"),
        FORWARD_OK,
        "NOT READY: install torchinfo: python -m pip install torchinfo==1.8.0",
    ]
    assert returncode == 1


def test_a_venv_without_torch_is_not_ready_and_offers_the_cpu_wheels(venv_without):
    python = venv_without("torch", "torch")
    returncode, lines = run_check(python)
    assert lines[1:] == [
        python_line(),
        "  MISSING  torch: not installed (the lessons were tested with 2.13.0)",
        "  NEEDS    torchsummary: installed, but `import torchsummary` needs torch (see its own line)",
        "  NEEDS    torchinfo: installed, but `import torchinfo` needs torch (see its own line)",
        ok_line("numpy"),
        ok_line("matplotlib"),
        ok_line("scikit-learn"),
        "  SKIPPED  forward pass: needs torch",
        "NOT READY: install torch: python -m pip install torch==2.13.0 (or, for the small CPU-only torch: "
        f"python -m pip install torch==2.13.0 --index-url {CPU_WHEELS})",
    ]
    assert returncode == 1


def test_a_version_other_than_the_pinned_one_is_a_warning_not_a_failure():
    # The installed numpy and torch, checked against pins they do not match (run_path compiles the
    # script without writing a __pycache__ next to it).
    code = (
        f"import runpy; check = runpy.run_path({str(SCRIPT)!r}); "
        "check['PINNED'].update(numpy='2.4.5', torch='2.12.0'); raise SystemExit(check['main']())"
    )
    returncode, lines = run_check(sys.executable, code=code)
    torch_version, numpy_version = metadata.version("torch"), metadata.version("numpy")
    assert lines[2] == (
        f"  WARNING  torch {torch_version} (pinned 2.12.0): not the tested version, the lessons may still run; "
        "CPU build: torch.version.cuda is None, torch.cuda.is_available() is False (the lessons need no GPU)"
    )
    assert (
        lines[5]
        == f"  WARNING  numpy {numpy_version} (pinned 2.4.5): not the tested version, the lessons may still run"
    )
    assert lines[-1] == (
        "READY: every package the lessons import is installed and the fixed CNN runs; for the tested versions "
        "exactly (WARNING above): python -m pip install torch==2.12.0 numpy==2.4.5 (or, for the small CPU-only "
        f"torch: python -m pip install torch==2.12.0 --index-url {CPU_WHEELS} && python -m pip install numpy==2.4.5)"
    )
    assert returncode == 0


def test_the_scripts_versions_are_the_ones_the_lessons_are_tested_with():
    pins = requirements_pins()
    pinned = constant("PINNED")
    assert list(pinned) == PACKAGES
    assert {name: pins.get(normalized(name)) for name in pinned} == pinned, (
        "check_setup.py's PINNED differs from requirements.txt"
    )
    assert constant("TESTED_PYTHON") == tuple(sys.version_info[:2]), (
        "check_setup.py's TESTED_PYTHON is not the Python that runs the lessons here"
    )
    oldest = ".".join(str(part) for part in constant("TORCH_NEEDS_PYTHON"))
    assert metadata.metadata("torch")["Requires-Python"] == f">={oldest}", "TORCH_NEEDS_PYTHON is not torch's"


def test_the_script_reads_on_an_old_python():
    # A learner may run it with any Python 3: the syntax stays what 3.6 parses, so that an old Python
    # gets the script's own answer (install Python 3.11), not a SyntaxError.
    ast.parse(SCRIPT.read_text(), feature_version=(3, 6))


def links_to(html: str, page_url: str, target_url: str) -> bool:
    hrefs = re.findall(r'<a\b[^>]*\bhref="([^"]+)"', html)
    return any(urljoin(page_url, href) == target_url for href in hrefs)


@pytest.mark.site
def test_the_site_serves_the_script_and_the_guide_and_lesson_1_link_it(built_site):
    served = built_site / "downloads" / "check_setup.py"
    assert served.read_bytes() == SCRIPT.read_bytes(), (
        "site/downloads/check_setup.py is not docs/downloads/check_setup.py"
    )
    assert not (built_site / "downloads" / "check_setup").exists(), "mkdocs-jupyter made a page of check_setup.py"
    target = "http://site/downloads/check_setup.py"
    for page in ["instructors", "lessons/01-reproduce-the-error", "instructors/01-reproduce-the-error"]:
        html = (built_site / page / "index.html").read_text()
        assert links_to(html, f"http://site/{page}/", target), f"{page}/ does not link to downloads/check_setup.py"
    guide = (REPO / "docs" / "instructors" / "index.md").read_text()
    assert 'python -c "import torch, torchsummary' not in guide, "the old one-line check is back in the guide"
