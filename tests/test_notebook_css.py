"""site_builder.notebook_css keeps exactly the notebook CSS the lesson pages use."""

import pytest

from site_builder.notebook_css import used_css

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


def test_trying_only_the_elements_a_selector_names_matches_what_trying_every_element_matches():
    from site_builder import notebook_css

    page = notebook_css._Page(
        """<html><body><div class="jupyter-wrapper"><div class="jp-Cell jp-CodeCell">
        <pre class="out" data-mime-type="a,b">x</pre><span class="jp-Prompt">In</span></div>
        <PRE>y</PRE><p class="Upper">z</p></div></body></html>"""
    )
    selectors = [
        ".jp-Cell > pre",  # last compound a tag
        ".jupyter-wrapper .out",  # a class
        ".jp-CodeCell .jp-Prompt, .nowhere",  # alternatives, one matching
        ".jp-Cell .nowhere, em",  # alternatives, none matching
        "div pre[data-mime-type='a,b']",  # a comma inside brackets
        ".jp-Cell:not(.jp-MarkdownCell)",  # a class inside parentheses is not required
        ":is(.out, .jp-Prompt)",  # no class of its own: every element is tried
        "pre + span.jp-Prompt",
        "span ~ pre",  # no such order
        ".upper",  # classes are case-sensitive
        "P.Upper",  # tag names are not
        "*",
        "body > div.jupyter-wrapper div.jp-Cell pre.out",
        ".jp-Cell pre.nowhere",
    ]
    for selector in selectors:
        expected = page.soup.select_one(selector) is not None
        assert notebook_css._selector_matches(selector, page) is expected, selector
    assert notebook_css._candidates(".jp-Cell > pre", page) == page.by_name["pre"]
    assert notebook_css._candidates(":is(.out, .jp-Prompt)", page) is None


def test_a_page_whose_words_changed_keeps_its_skeleton_and_its_css():
    """A prose edit reuses the CSS computed for the page before it: the page's skeleton (its markup
    without its words) decides which selectors match, and the words never do."""
    from site_builder.notebook_css import parse, selectors_of, skeleton, what_a_page_uses

    css = ".out:empty { color: red; } .jp-Cell > pre { margin: 0; } .jp-Cell pre + p { color: blue; }"
    selectors = selectors_of(parse([css]))
    before = PAGE.replace("</pre>", "</pre><p>the old sentence</p>")
    after = PAGE.replace("</pre>", "</pre><p>a new sentence, longer &amp; edited</p>")
    assert skeleton(before) == skeleton(after)
    assert what_a_page_uses(before, selectors) == what_a_page_uses(after, selectors)
    # Markup that changes, or an element that loses its text, changes the skeleton.
    emptied = PAGE.replace('<pre class="out">x</pre>', '<pre class="out"></pre>')
    assert what_a_page_uses(emptied, selectors) != what_a_page_uses(PAGE, selectors)
    assert skeleton(emptied) != skeleton(PAGE)
    assert skeleton(PAGE.replace("<pre", "<code")) != skeleton(PAGE)
