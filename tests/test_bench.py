"""The bench's peer is pinned as the project is: Jupyter Book v1 and its whole closure, the lessons'
packages at the project's own versions (both sides must execute the same code for the ratio to
mean anything)."""

from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{line!r} is not pinned with =="
        pins[requirement.name.lower().replace("_", "-")] = specifier.version
    return pins


def _project_pins() -> tuple[list[str], list[str]]:
    """requirements.txt's pins: those above the site's section (the packages the lessons import), then all."""
    lines = (REPO / "requirements.txt").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    site = lines.index("# The site: MkDocs, the Material theme, notebooks as pages.")
    return [line for line in lines[:site] if line and not line.startswith("#")], pins


def test_the_peer_is_pinned_whole_and_executes_the_lessons_with_the_projects_versions():
    from dev_tools.bench import peer as bench

    peer = _pins(bench.peer_pins())
    assert _pins([bench.PEER]).items() <= peer.items()
    lessons_pins, all_pins = _project_pins()
    lessons = _pins(lessons_pins)
    assert {"torch", "torchsummary", "numpy"} <= lessons.keys()
    differ = {name: (version, peer.get(name)) for name, version in lessons.items() if peer.get(name) != version}
    assert differ == {}, (
        f"dev_tools/bench/peer-requirements.txt differs from requirements.txt on (project, peer): {differ}"
    )
    # What the peer executes with: the project's kernel too, so only the program around it differs.
    assert peer["ipykernel"] == _pins(all_pins)["ipykernel"]
