"""The page rules read one lxml tree, the one trafilatura is given: what they see of it."""

import re

import pytest

from indexer.ingest.html_reader import read_html_page
from indexer.ingest.page_tree import (
    classes,
    iter_strings,
    only_string,
    parse_page,
    text_of,
    with_class,
)

PAGE = """<!DOCTYPE html><html lang="en"><head><title>A <b>bold</b> title</title>
<style>p { color: red }</style></head><body>
<div class="story
  article-body" id="main">Lead <b>bold</b>tail<script>var hidden = 1;</script>
<template><p>never shown</p></template><ruby>漢<rt>kan</rt></ruby> end</div>
<!-- a comment --><h2><span>Only</span></h2></body></html>"""


@pytest.fixture
def root():
    return parse_page(PAGE)[1]


def test_text_leaves_out_what_a_browser_never_shows(root):
    div = root.xpath("//div")[0]
    text = " ".join(text_of(div).split())
    assert text == "Lead bold tail 漢 end"
    assert "hidden" not in text_of(root) and "color" not in text_of(root)
    assert "a comment" not in text_of(root)


def test_strings_one_by_one_are_the_text(root):
    div = root.xpath("//div")[0]
    assert " ".join(iter_strings(div)) == text_of(div)
    assert " ".join(iter_strings(root)) == text_of(root)


def test_class_words_are_searched_together(root):
    assert classes(root.xpath("//div")[0]) == "story article-body"
    assert [e.tag for e in with_class(root, re.compile(r"article[-_]?body"))] == ["div"]


def test_only_string_goes_through_single_children(root):
    assert only_string(root.xpath("//h2")[0]) == "Only"
    assert only_string(root.xpath("//div")[0]) is None  # text and elements
    assert only_string(root.xpath("//title")[0]) == "A <b>bold</b> title"  # as browsers show it


def test_a_fragment_is_read_as_a_whole_page():
    tree, root = parse_page("<p>one paragraph only</p>")
    assert root.tag == "html" and "one paragraph only" in text_of(root)


def test_trafilatura_leaves_the_shared_tree_as_it_was():
    """The page rules read the tree after trafilatura: it must work on a copy."""
    import trafilatura
    from lxml import etree

    body = " ".join(["The council met on Tuesday to discuss the new budget for schools."] * 12)
    page = (f"<html><head><title>Budget</title></head><body><nav>Home | News</nav>"
            f"<article><h1>Budget</h1><p>{body}</p><div class='share'>Share on Facebook</div>"
            f"</article><footer>© 2024</footer></body></html>")
    tree, root = parse_page(page)
    before = etree.tostring(root)
    assert trafilatura.bare_extraction(tree, with_metadata=True).text.startswith("Budget\nThe council")
    assert etree.tostring(root) == before
    article = read_html_page(page.encode())
    assert article.body.startswith("The council met") and "Share" not in article.body
