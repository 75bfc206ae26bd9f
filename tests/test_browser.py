"""The built site in a real browser: Debian's Chromium on a real HTTP server on 127.0.0.1."""

import pytest

pytestmark = pytest.mark.browser


def test_lesson_page_shows_the_executed_error(browser, site_url):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + "lessons/01-reproduce-the-error/")
    assert page.title().startswith("1. Reproduce the error")
    assert page.get_by_text("mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)").count() >= 1
    assert errors == []
    page.close()
