"""The GitHub Actions workflow: linted by zizmor, and it runs what .ci/run runs, the determinism pass included."""

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
ZIZMOR = Path(sys.executable).parent / "zizmor"


# The second run that only CI makes: every lesson and docs page executed again and compared.
DETERMINISM_PASS = ".venv/bin/python -m pytest -m lessons --determinism -q"


def ci_run_commands() -> list[str]:
    """The commands .ci/run runs once the machine is set up: from `make test` on, comments left out."""
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    return [line for line in lines[lines.index("make test") :] if line and not line.startswith("#")]


def test_zizmor_finds_nothing_even_pedantic():
    # --offline: no look-ups of the actions' repositories (this check runs without a network);
    # --strict-collection: a workflow that is not valid YAML or not a workflow fails too.
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--pedantic", "--strict-collection", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"zizmor found:\n{result.stdout}{result.stderr}"
    assert "No findings to report" in result.stdout


def test_the_site_workflow_tests_every_change_and_publishes_main():
    workflow = yaml.safe_load((WORKFLOWS / "site.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"push", "pull_request"}
    test, publish = workflow["jobs"]["test"], workflow["jobs"]["publish"]
    runs = [step["run"] for step in test["steps"] if "run" in step]
    assert runs == ci_run_commands(), f"the workflow runs {runs}, .ci/run runs {ci_run_commands()}"
    assert runs == ["make test", DETERMINISM_PASS], runs
    uploads = [step for step in test["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert [step["with"]["path"] for step in uploads] == ["site/"]
    assert uploads[0]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    # The site is handed to Pages only after both runs passed (a step's `if` implies success()).
    determinism = next(i for i, step in enumerate(test["steps"]) if step.get("run") == DETERMINISM_PASS)
    assert test["steps"].index(uploads[0]) > determinism, "the site is published before the determinism pass"
    assert publish["needs"] == "test" and publish["if"] == uploads[0]["if"]
    assert publish["steps"][0]["uses"].startswith("actions/deploy-pages@")
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                reference = step["uses"].split("@")[1]
                assert len(reference) == 40, f"{step['uses']} is not pinned to a full commit"


def test_local_commands_do_not_depend_on_the_workflow():
    for path in ["Makefile", ".ci/run", "tests/conftest.py"]:
        assert ".github" not in (REPO / path).read_text(), f"{path} refers to .github/"
