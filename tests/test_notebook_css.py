"""lesson_runner.notebook_css keeps exactly the notebook CSS the lesson pages use."""

import pytest

from lesson_runner.notebook_css import used_css

pytestmark = pytest.mark.site

PAGE = """<html><body data-md-color-scheme="default"><article>
<div class="jupyter-wrapper"><div class="jp-Cell"><pre class="out">x</pre></div></div>
</article></body></html>"""


def test_keeps_rules_that_match_and_drops_the_rest():
    css = """
    .jupyter-wrapper .jp-Cell { color: var(--jp-used); }
    .jupyter-wrapper .bp3-button { color: red; }
    .jupyter-wrapper .jp-Cell:hover { color: blue; }
    .jupyter-wrapper .out::after { content: "!"; }
    [data-md-color-scheme=slate] .jupyter-wrapper { --jp-used: white; }
    @media (max-width: 10px) { .jp-Cell { margin: 0; } .jp-Dialog { margin: 1px; } }
    @media print { .jp-Dialog { display: none; } }
    """
    assert used_css([css], [PAGE]).splitlines() == [
        ".jupyter-wrapper .jp-Cell{color:var(--jp-used)}",
        ".jupyter-wrapper .jp-Cell:hover{color:blue}",  # a state the reader's pointer gives it
        '.jupyter-wrapper .out::after{content:"!"}',
        "[data-md-color-scheme=slate] .jupyter-wrapper{--jp-used:white}",  # the scheme is set by script
        "@media (max-width: 10px) {.jp-Cell{margin:0}}",
    ]


def test_keeps_only_the_custom_properties_that_are_used_directly_or_through_another():
    css = """
    .jupyter-wrapper { --jp-a: var(--jp-b); --jp-b: 1px; --jp-unused: var(--jp-c); --jp-c: 2px; }
    .jp-Cell { margin: var(--jp-a); }
    """
    assert used_css([css], [PAGE]).splitlines() == [
        ".jupyter-wrapper{--jp-a:var(--jp-b);--jp-b:1px}",
        ".jp-Cell{margin:var(--jp-a)}",
    ]


def test_a_class_inside_an_attribute_value_is_not_a_required_class():
    page = PAGE.replace('class="out"', 'class="out" data-mime-type="application/vnd.jupyter.stderr"')
    css = '.jupyter-wrapper pre[data-mime-type="application/vnd.jupyter.stderr"] { background: pink; }'
    assert used_css([css], [page]).strip() == (
        '.jupyter-wrapper pre[data-mime-type="application/vnd.jupyter.stderr"]{background:pink}'
    )
