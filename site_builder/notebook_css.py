"""One small stylesheet for the notebook pages, instead of 575 KB of CSS inlined in every one.

mkdocs-jupyter inlines JupyterLab's whole stylesheet (Blueprint widgets, file browser, dialogs,
hundreds of colour variables) into every lesson page. A static lesson uses a few percent of it.
`used_css` keeps the rules whose selectors match something on the lesson pages, and the custom
properties (`--jp-...`) those rules use, directly or through other properties; the MkDocs hook
writes the result once, as a file every lesson page links to (and the browser caches).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import soupsieve
import tinycss2
from bs4 import BeautifulSoup

import site_builder
from site_builder import page_cache

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "notebook-css"

# States and parts that no static page shows when it is parsed, but a reader's browser does
# (hover, focus, ::before ...): a selector is kept when it matches without them.
_DYNAMIC = re.compile(
    r"::?(?:hover|focus(?:-visible|-within)?|active|visited|link|target|checked|disabled|enabled|"
    r"placeholder(?:-shown)?|selection|before|after|marker|first-line|first-letter|backdrop|"
    r"-webkit-[a-z-]+|-moz-[a-z-]+|-ms-[a-z-]+)(?:\([^)]*\))?"
)
# The colour scheme is set on <body> by Material's script when the page loads.
_SCHEME = re.compile(r"\[data-md-color-scheme[^\]]*\]")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_PARENTHESES = re.compile(r"\([^()]*\)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NAME = re.compile(r"[a-zA-Z][\w-]*")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")


class _Page:
    """One lesson page, parsed, and the classes it uses (a selector naming a class that the page
    does not have cannot match it: most of JupyterLab's rules are ruled out by that, quickly)."""

    def __init__(self, html: str):
        self.soup = BeautifulSoup(html, "html.parser")
        # The page's elements by class and by tag name: a selector can only match an element that
        # has the class or tag its last compound names, so only those are tried (select_one would
        # try every element of the page for each selector that matches nothing, as most do).
        self.by_class: dict[str, list] = {}
        self.by_name: dict[str, list] = {}
        for tag in self.soup.find_all(True):
            self.by_name.setdefault(tag.name, []).append(tag)
            for name in tag.get("class", []):
                self.by_class.setdefault(name, []).append(tag)
        self.classes = set(self.by_class)

    def could_match(self, selector: str) -> bool:
        for alternative in _top_level_parts(selector):
            required = re.sub(r"\[[^\]]*\]", "", alternative)  # [data-mime-type="...vnd.jupyter.stderr"]
            while _PARENTHESES.search(required):  # classes inside :not(), :is() ... are not required
                required = _PARENTHESES.sub("", required)
            if set(_CLASS.findall(required)) <= self.classes:
                return True
        return False


def _top_level_parts(selector: str) -> list[str]:
    """ "a, b:is(.c, .d)" -> ["a", " b:is(.c, .d)"]"""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(selector):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(selector[start:index])
            start = index + 1
    return [*parts, selector[start:]]


def _selector_matches(selector: str, page: _Page) -> bool:
    if not page.could_match(selector):
        return False
    static = _SCHEME.sub(":is(*)", _DYNAMIC.sub("", selector)).strip()
    if not static:
        return True  # "::selection" alone: applies wherever there is text
    if static[-1] in ">+~,":
        static += "*"  # "a > ::after" left "a >"
    try:
        candidates = _candidates(static, page)
        if candidates is None:
            return page.soup.select_one(static) is not None
        selector = page.soup.css.compile(static)
        return any(selector.match(tag) for tag in candidates)
    except (soupsieve.SelectorSyntaxError, NotImplementedError, ValueError):
        return True  # a selector the matcher cannot read is kept, not guessed away


def _candidates(selector: str, page: _Page) -> list | None:
    """The page's elements that `selector` could match, from the class or tag name that the last
    compound of each of its alternatives requires ("pre" in ".jp-Cell > pre"), or None when some
    alternative requires neither (then every element is a candidate). Escapes, namespaces and
    :scope are left to select_one."""
    if any(mark in selector for mark in ("\\", "|", ":scope")):
        return None
    found = []
    for alternative in _unbracketed(selector).split(","):
        last = _COMBINATOR.split(alternative.strip())[-1]
        classes = _CLASS.findall(last)
        name = _NAME.match(last)
        if classes:
            found += min((page.by_class.get(each, []) for each in classes), key=len)
        elif name:
            found += page.by_name.get(name.group(0).lower(), [])
        else:
            return None
    return found


def _unbracketed(selector: str) -> str:
    """The selector without what its brackets and parentheses hold: "a[x~='b c'] :is(.d .e)" ->
    "a :is" (what is inside them is never the compound's own class or tag)."""
    without = _ATTRIBUTE.sub("", selector)
    while _PARENTHESES.search(without):
        without = _PARENTHESES.sub("", without)
    return without


def _selectors(rules) -> list[str]:
    """The selector of every rule, those inside @media and @supports included, in order."""
    found = []
    for rule in rules:
        if rule.type == "qualified-rule":
            found.append(tinycss2.serialize(rule.prelude))
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"} and rule.content is not None:
            found += _selectors(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
    return found


def _used_rules(rules, matched: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if tinycss2.serialize(rule.prelude) in matched:
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"} and rule.content is not None:
            inner = _used_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), matched
            )
            if inner:
                kept.append((rule, inner))
        elif rule.type == "at-rule" and rule.lower_at_keyword in {"font-face", "keyframes"}:
            kept.append(rule)
        # @charset, @import (the site loads nothing from elsewhere) and parse errors are dropped
    return kept


def _declarations(rule):
    return [
        item
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        if item.type == "declaration"
    ]


def _flatten(kept):
    for item in kept:
        if isinstance(item, tuple):
            yield from _flatten(item[1])
        elif item.type == "qualified-rule":
            yield item


def _used_properties(kept, extra_text: str) -> set[str]:
    """Custom properties used by a kept declaration, directly or through another custom property."""
    values = {}
    used = set(_VAR.findall(extra_text))
    for rule in _flatten(kept):
        for declaration in _declarations(rule):
            value = tinycss2.serialize(declaration.value)
            if declaration.name.startswith("--"):
                values.setdefault(declaration.name, []).append(value)
            else:
                used.update(_VAR.findall(value))
    pending = list(used)
    while pending:
        for value in values.get(pending.pop(), []):
            for name in _VAR.findall(value):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    return used


def _serialize(kept, used_properties: set[str]) -> str:
    out = []
    for item in kept:
        if isinstance(item, tuple):
            at_rule, inner = item
            body = _serialize(inner, used_properties)
            if body:
                out.append(f"@{at_rule.at_keyword}{tinycss2.serialize(at_rule.prelude)}{{{body}}}")
        elif item.type == "qualified-rule":
            declarations = [
                f"{d.name}:{tinycss2.serialize(d.value).strip()}{' !important' if d.important else ''}"
                for d in _declarations(item)
                if not d.name.startswith("--") or d.name in used_properties
            ]
            if declarations:
                out.append(f"{tinycss2.serialize(item.prelude).strip()}{{{';'.join(declarations)}}}")
        else:
            out.append(tinycss2.serialize([item]).strip())
    return "\n".join(out)


def parse(stylesheets: list[str]) -> list:
    return tinycss2.parse_stylesheet("\n".join(stylesheets), skip_comments=True, skip_whitespace=True)


def selectors_of(rules: list) -> list[str]:
    """Every distinct selector of the parsed stylesheets: the question `what_a_page_uses` answers."""
    return sorted(set(_selectors(rules)))


def what_a_page_uses(html: str, selectors: list[str]) -> dict:
    """Which of `selectors` match something on one page, and its inline styles: the page's part of
    `used_css`, on its own so that it can be cached by the page and computed in parallel."""
    page = _Page(html)
    return {
        "matched": [selector for selector in selectors if _selector_matches(selector, page)],
        "inline_styles": " ".join(tag["style"] for tag in page.soup.select("[style]")),
    }


def combine(rules: list, answers: list[dict]) -> str:
    """The stylesheet the pages need, from the parsed stylesheets and each page's answer."""
    matched = {selector for answer in answers for selector in answer["matched"]}
    kept = _used_rules(rules, matched)
    inline_styles = " ".join(answer["inline_styles"] for answer in answers)
    return _serialize(kept, _used_properties(kept, inline_styles)) + "\n"


def used_css(stylesheets: list[str], pages_html: list[str]) -> str:
    """The rules of `stylesheets` that apply to something in `pages_html`, with the custom
    properties they need, in their original order."""
    rules = parse(stylesheets)
    selectors = selectors_of(rules)
    return combine(rules, [what_a_page_uses(html, selectors) for html in pages_html])


# Text between tags: a selector never reads it, only whether an element holds any (:empty).
_TEXT = re.compile(r">([^<]+)<")


def skeleton(html: str) -> str:
    """The page without its text: what decides which selectors match it. Two pages that differ only
    in their words (a prose edit) have the same skeleton and use the same CSS."""
    return _TEXT.sub(lambda match: "> <" if match.group(1).isspace() else ">x<", html)


def used_css_cached(stylesheets: list[str], pages_html: list[str]) -> str:
    """The CSS the lesson pages use, reused whole when the stylesheets and the pages' skeletons are
    those of an earlier build (a prose edit changes no skeleton). Otherwise each page's part (which
    selectors match it) is reused if that page's skeleton is unchanged and computed, for the pages
    that changed, in parallel: it parses the page and tries every selector on it."""
    skeletons = [skeleton(html) for html in pages_html]
    digest = hashlib.sha256(site_builder.code_version())
    digest.update("\0".join([*stylesheets, "\0", *skeletons]).encode())
    cached = CACHE_DIR / f"{digest.hexdigest()[:32]}.css"
    if not cached.exists():
        rules = parse(stylesheets)
        selectors = selectors_of(rules)
        inputs = ["\0".join(selectors)]
        answers = [page_cache.look_up("notebook-css", [*inputs, page]) for page in skeletons]
        missing = [number for number, answer in enumerate(answers) if answer is None]
        computed = page_cache.make_side_by_side(
            what_a_page_uses, [(pages_html[number], selectors) for number in missing]
        )
        for number, answer in zip(missing, computed):
            answers[number] = page_cache.store("notebook-css", [*inputs, skeletons[number]], answer)
        css = combine(rules, answers)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(css)
    return cached.read_text()
