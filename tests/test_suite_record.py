"""The record of a full `make test` run, which the bench reports instead of running the suite a second
time, is read only for a cold run on exactly the sources and installs the bench sees."""

from dev_tools import suite_record


def _tree(root):
    (root / "lessons").mkdir()
    (root / "lessons" / "01.ipynb").write_text("{}")
    (root / "requirements.txt").write_text("torch==2.13.0\n")
    (root / ".venv").mkdir()
    (root / ".venv" / ".installed").touch()
    return root


def _record(root, **fields):
    suite_record.write(root, {"seconds": 300.0, "cold": True, "fingerprint": suite_record.fingerprint(root), **fields})


def test_a_cold_run_on_this_tree_is_read(tmp_path):
    root = _tree(tmp_path)
    _record(root)
    assert suite_record.read_matching(root)["seconds"] == 300.0


def test_an_edited_added_or_removed_source_or_a_new_install_makes_the_record_stale(tmp_path):
    root = _tree(tmp_path)
    changes = [
        lambda: (root / "lessons" / "01.ipynb").write_text('{"cells": []}'),
        lambda: (root / "lessons" / "02.ipynb").write_text("{}"),
        lambda: (root / "lessons" / "02.ipynb").unlink(),
        lambda: (root / ".venv" / ".installed").write_text("again"),
    ]
    for change in changes:
        _record(root)
        change()
        assert suite_record.read_matching(root) is None


def test_outputs_and_caches_are_not_sources(tmp_path):
    root = _tree(tmp_path)
    _record(root)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<html>")
    (root / ".cache" / "lessons").mkdir(parents=True)
    assert suite_record.read_matching(root) is not None


def test_a_run_that_started_with_lessons_cached_or_a_site_built_is_not_read(tmp_path):
    root = _tree(tmp_path)
    assert suite_record.starts_cold(root)
    (root / ".cache" / "lessons" / "key").mkdir(parents=True)
    assert not suite_record.starts_cold(root)
    _record(root, cold=False)
    assert suite_record.read_matching(root) is None


def test_a_missing_or_unreadable_record_is_none(tmp_path):
    root = _tree(tmp_path)
    assert suite_record.read_matching(root) is None
    (root / suite_record.RECORD).parent.mkdir(parents=True)
    (root / suite_record.RECORD).write_text("{not json")
    assert suite_record.read_matching(root) is None


def test_only_pytest_without_arguments_is_a_full_run(monkeypatch):
    for name in ["PYTEST_ADDOPTS", "SHAPE_MATTERS_SITE_DIR", "SHAPE_MATTERS_DETERMINISM"]:
        monkeypatch.delenv(name, raising=False)
    assert suite_record.is_full_run(())
    assert not suite_record.is_full_run(("-m", "lessons"))
    assert not suite_record.is_full_run(("tests/test_bench.py",))
    monkeypatch.setenv("PYTEST_ADDOPTS", "-k weight")
    assert not suite_record.is_full_run(())
    monkeypatch.delenv("PYTEST_ADDOPTS")
    monkeypatch.setenv("SHAPE_MATTERS_SITE_DIR", "/tmp/elsewhere")
    assert not suite_record.is_full_run(())
