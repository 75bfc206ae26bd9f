import pytest

import lesson_runner


@pytest.fixture(scope="session")
def executed_lessons():
    """Every lesson, executed once for the whole run (or taken from the cache), in order."""
    return {lesson.path.name: lesson for lesson in lesson_runner.execute_lessons()}


def pytest_terminal_summary(terminalreporter):
    ran = lesson_runner.RUN_LOG
    if ran["executed"] or ran["cached"]:
        terminalreporter.write_line(
            f"lessons: {ran['executed']} executed, {ran['cached']} taken from the cache "
            f"(keyed by notebook, requirements, Python and torch)"
        )
