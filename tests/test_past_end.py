"""A search page past the last one says which page it is, how many there are,
and links back to the last one, in both interface languages."""

import math

import pytest
from bs4 import BeautifulSoup
from conftest import page_of as page
from hypothesis import given, settings
from hypothesis import strategies as st

QUERIES = ["выборы", "", "Кыргызстан", '"на выборах мэра"', "election"]


def total_of(client, query):
    return client.get("/api/search", query_string={"q": query}).get_json()["total"]


def test_a_page_past_the_end_names_it_and_links_to_the_last(client):
    total = total_of(client, "выборы")
    pages = math.ceil(total / 3)
    soup = page(client, "/?q=выборы&per_page=3&page=99")
    notice = soup.select_one(".past-end")
    assert notice.strong.text == f"There is no page 99: this search has {pages} pages."
    assert not soup.select("li.hit") and not soup.select(".pagination a[rel=next]")
    assert soup.select_one(".summary .total")["data-total"] == str(total)
    last = page(client, "/" + notice.select_one("a.last-page")["href"])
    ranks = [int(last.select_one("ol.hits")["start"]) + i for i in range(len(last.select("li.hit")))]
    assert ranks and ranks[-1] == total  # the last page holds the last hit
    assert last.select_one(".pagination strong[aria-current=page]").text == str(pages)
    assert not last.select(".past-end")
    # "Previous" goes to the last page too, not to page 98.
    assert soup.select_one(".pagination a[rel=prev]")["href"] == notice.select_one("a")["href"]


def test_one_page_of_hits_is_one_page_and_the_state_is_kept(client):
    soup = page(client, "/?q=выборы&lang=ru&page=5&sort=newest")
    notice = soup.select_one(".past-end")
    assert notice.strong.text == "There is no page 5: this search has 1 page."
    href = notice.select_one("a.last-page")["href"]
    assert "lang=ru" in href and "sort=newest" in href and "page=1" in href
    assert soup.select_one(".pagination") is None  # one page: nothing to page through


@pytest.mark.parametrize("pages, words", [(1, "1 страница"), (2, "2 страницы"), (5, "5 страниц")])
def test_the_russian_interface_says_it_in_russian(client, pages, words):
    total = total_of(client, "")
    per_page = next(n for n in range(1, 101) if math.ceil(total / n) == pages)
    soup = page(client, f"/?ui=ru&per_page={per_page}&page={pages + 3}")
    notice = soup.select_one(".past-end")
    assert notice.strong.text == f"Страницы {pages + 3} нет: у этого поиска {words}."
    link = notice.select_one("a.last-page")
    assert link.text == f"Перейти на последнюю страницу ({pages})" and "ui=ru" in link["href"]


def test_no_hits_at_all_is_the_empty_state_not_a_page_past_the_end(client):
    soup = page(client, "/?q=zzzyxq&page=4")
    assert soup.select_one(".past-end") is None
    assert "No articles match" in soup.select_one(".empty").text


@settings(max_examples=25, deadline=None)
@given(query=st.sampled_from(QUERIES), number=st.integers(1, 40), per_page=st.integers(1, 12))
def test_every_page_has_hits_or_links_to_a_page_that_has(app, query, number, per_page):
    client = app.test_client()
    args = {"q": query, "page": number, "per_page": per_page}
    soup = BeautifulSoup(client.get("/", query_string=args).data, "lxml")
    current = soup.select_one(".pagination strong[aria-current=page]")
    pages = max(1, math.ceil(total_of(client, query) / per_page))
    assert current is None or int(current.text) <= pages
    if soup.select("li.hit"):
        assert soup.select_one(".past-end") is None
        return
    notice = soup.select_one(".past-end")
    assert notice is not None and f"page {number}:" in notice.strong.text
    last = BeautifulSoup(client.get("/" + notice.select_one("a.last-page")["href"]).data, "lxml")
    assert last.select("li.hit")
