"""The search page, the header box, the JSON API — and no input that produces a 500."""
import unicodedata

import pytest

from marketplace.extensions import db
from tests.search_fixtures import catalogue, search_backend  # noqa: F401  (fixtures)
from tests.test_perf_queries import counting

WEIRD = ["", " ", "a" * 10_000, "🍉🍍 vải 🍋", '"*?:(', "vai) OR (1=1", "%00", "\x00", "\\", "*", "?",
         unicodedata.normalize("NFD", "bưởi đường lá cam"), "ANDNOTOR", "vai~2", "name:vai", "[a TO z]",
         "ا", "ò" * 500, "a b c d e f g h i j k l m n o p q r s t u v w x y z"]


def test_every_page_has_the_search_box(client, search_backend):
    html = client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'type="search"' in html and 'enterkeyhint="search"' in html
    assert '<label for="search-q"' in html and 'action="/tim-kiem"' in html
    assert "js/search.js" in html


def test_results_page_without_javascript(client, catalogue):
    response = client.get("/tim-kiem?q=vai+thieu+luc+ngan")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>" in html and "vai thieu luc ngan" in html
    assert html.index("Vải thiều Lục Ngạn loại 1") < html.index("Rượu vải thiều")
    assert 'value="vai thieu luc ngan"' in html  # the box keeps what was typed
    assert "<script>" not in html and "style=" not in html


def test_facet_links_are_shareable_urls_that_narrow(client, catalogue):
    html = client.get("/tim-kiem?q=dua").get_data(as_text=True)
    assert "Khoảng giá" in html and "Vĩnh Long" in html
    province = catalogue["Dừa sáp"].stall.commune.province_code
    narrowed = client.get(f"/tim-kiem?q=dua&province={province}").get_data(as_text=True)
    assert "Dừa sáp" in narrowed and "Dưa hấu không hạt" not in narrowed
    assert 'aria-current="true"' in narrowed  # the chosen value shows, with a link to remove it
    assert "/tim-kiem?q=dua&amp;province" in html


def test_a_renamed_commune_shows_its_new_name_in_the_facets(client, catalogue):
    for _ in range(2):  # asked twice: the page is kept, and the names every search shares
        assert ">Xã Chợ Lách<" in client.get("/tim-kiem?q=buoi").get_data(as_text=True)
    commune = db.session.merge(catalogue["Bưởi da xanh Chợ Lách"]).stall.commune
    commune.name = "Xã Chợ Lách Mới"
    db.session.commit()
    html = client.get("/tim-kiem?q=buoi").get_data(as_text=True)
    assert ">Xã Chợ Lách Mới<" in html and ">Xã Chợ Lách<" not in html


def test_did_you_mean_link(client, catalogue):
    html = client.get("/tim-kiem?q=vai+thiwwu").get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in html and "/tim-kiem?q=vai+thieu" in html


def test_sort_form_keeps_the_query_and_filters(client, catalogue):
    html = client.get("/tim-kiem?q=mat+ong&ocop=3&sort=price_desc").get_data(as_text=True)
    assert '<input type="hidden" name="q" value="mat ong">' in html
    assert '<input type="hidden" name="ocop" value="3">' in html
    assert '<option value="price_desc" selected>' in html


@pytest.mark.parametrize("q", WEIRD)
def test_weird_input_never_500(client, search_backend, make, q):
    make.product(name="Vải thiều Phúc Hòa")
    for url in ("/tim-kiem", "/api/v1/search", "/api/v1/search/suggest"):
        response = client.get(url, query_string={"q": q, "page": "-3", "sort": "'; drop", "category": q[:30],
                                                 "per_page": "100000"})
        assert response.status_code == 200, (url, q)


def test_weird_paging_and_filters_never_500(client, search_backend):
    for qs in ("page=abc", "page=99999999999999999999", "category=1&category=2", "price_band=../../etc",
               "ocop=%F0%9F%8D%89", "province=-1", "province=99999999999999999999",
               "commune=1e9", "price_band=0-50000&ocop=3&traceable=1&category=0"):
        assert client.get(f"/tim-kiem?q=vai&{qs}").status_code == 200
        assert client.get(f"/api/v1/search?q=vai&{qs}").status_code == 200


def test_api_search_json(client, catalogue):
    body = client.get("/api/v1/search?q=keo+dua&per_page=2").get_json()
    assert body["total"] >= 3 and len(body["items"]) == 2 and body["page"] == 1
    first = body["items"][0]
    assert first["name"] == "Kẹo dừa Bến Tre"
    assert first["price"] == 45000 and first["commune"]["province"] == "Vĩnh Long"
    assert first["url"].startswith("http") and "/san-pham/" in first["url"]
    assert set(body["facets"]) >= {"category", "province", "commune", "price_band", "ocop"}
    assert all({"value", "label", "count", "selected"} <= set(v) for v in body["facets"]["category"])
    assert body["did_you_mean"] is None
    filtered = client.get("/api/v1/search?q=keo&category=" + body["facets"]["category"][0]["value"]).get_json()
    assert filtered["filters"] == {"category": body["facets"]["category"][0]["value"]}


def test_api_suggest_json(client, catalogue):
    body = client.get("/api/v1/search/suggest?q=vai th").get_json()
    assert body["query"] == "vai th"
    assert {"kind": "product", "text": "Vải thiều Lục Ngạn loại 1"} in body["suggestions"]


def test_search_routes_are_in_the_openapi_document(client, search_backend):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/search" in paths and "/search/suggest" in paths


def test_a_search_with_results_may_be_indexed_under_its_plain_query(client, catalogue):
    page = client.get("/tim-kiem?q=vai&sort=price_asc").get_data(as_text=True)
    assert 'name="robots"' not in page
    assert 'rel="canonical" href="http://localhost/tim-kiem?q=vai"' in page
    for empty in ("/tim-kiem?q=khongcogica", "/tim-kiem?q=vai&page=2"):
        assert 'content="noindex"' in client.get(empty).get_data(as_text=True)


def test_search_results_read_their_cards_in_one_statement(app, catalogue, search_backend):
    """Each hit comes with its stall, commune and cover photo: a search nobody asked before
    reads the products of its cards in one statement, not one more for their photos."""
    client = app.test_client()
    client.get("/tim-kiem?q=cam")  # what every search shares (the facets' names) is kept
    db.session.remove()
    with counting() as statements:
        html = client.get("/tim-kiem?q=mat+ong").get_data(as_text=True)
    assert "Mật ong hoa vải" in html and "Mật ong rừng nguyên chất" in html
    cards = [s for s in statements if "FROM products" in s or "product_images" in s]
    assert len(cards) == 1 and "product_images" in cards[0] and "communes" in cards[0], cards
