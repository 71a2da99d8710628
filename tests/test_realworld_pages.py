"""Real pages with gold data (../shared/realworld-html): what the HTML reader holds of them.

The set is third-party material kept outside the project; the test is skipped
where it is absent and fails in CI (``CI=true``), where it must be there.
"""

import os

import pytest

from benchmarks.realworld import DEFAULT_SET, KINDS, extract_with_kartoteka, score_pages

# The share of checks this version holds (90.9%, by kind in the README); a change
# that loses ground on real pages fails here. Issue 20 asked for 90% and authors 80%.
FLOOR = {"all": 0.90, "with": 0.94, "without": 0.89, "title": 0.89, "author": 0.80,
         "date": 0.87}
# Of the set's 297 strings of article text, how many are indexed: 281 before issue 20,
# 282 since (python -m benchmarks realworld --failures lists the rest). Text never goes.
WITH_STRINGS_FOUND = 282
# trafilatura alone on the same set (python -m benchmarks realworld --trafilatura):
# kartoteka must hold at least as many checks of every kind.
TRAFILATURA_ALONE = {"with": 0.939, "without": 0.870, "title": 0.616, "author": 0.473,
                     "date": 0.849}


@pytest.fixture(scope="module")
def score():
    if not (DEFAULT_SET / "expect.json").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the shared real pages are missing: {DEFAULT_SET}")
        pytest.skip("../shared/realworld-html is not here")
    return score_pages(DEFAULT_SET, extract_with_kartoteka)


def test_every_page_of_the_set_is_read(score):
    assert score.pages == 100
    assert sum(score.made.values()) > 800


def test_the_article_text_of_real_pages_survives(score):
    assert score.made["with"] == 297
    assert score.held["with"] >= WITH_STRINGS_FOUND


@pytest.mark.parametrize("kind", ["all", *KINDS])
def test_the_share_of_checks_held_does_not_fall(score, kind):
    assert score.share(None if kind == "all" else kind) >= FLOOR[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_of_check_falls_below_trafilatura_alone(score, kind):
    assert score.share(kind) >= TRAFILATURA_ALONE[kind]
