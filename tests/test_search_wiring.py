"""Search follows the areas above catalog: batches (traceability facet), stock moved by orders,
and officer actions."""
from marketplace.catalog import services as catalog
from marketplace.search import services as search
from marketplace.stalls import services as stalls
from tests.search_fixtures import search_backend  # noqa: F401  (fixture)


def facet(result, name):
    return {v["value"]: v["count"] for f in result.facets if f["name"] == name for v in f["values"]}


def test_a_new_batch_makes_the_product_traceable_in_search(search_backend, make):
    lychee = make.product(name="Vải thiều Phúc Hòa")
    make.product(lychee.stall, name="Vải lai Phúc Hòa")
    assert not any(facet(search.search("vai"), "traceable").get(v) for v in ("1", "true", "yes"))
    make.batch(lychee)
    traced = search.search("vai", filters={"traceable": "1"})
    assert [p.name for p in traced.items] == ["Vải thiều Phúc Hòa"]


def test_stock_sold_at_checkout_reaches_the_index(search_backend, make):
    last_jar = make.product(name="Mật ong hoa vải", unit="hu", stock_milli=1000, min_milli=1000)
    make.order(make.user(name="Người mua"), [(last_jar, 1000)])
    missing, stale = search.backend().check()  # the document now says "out of stock"
    assert not missing and not stale


def test_officer_hidden_product_and_suspended_stall_leave_search(search_backend, make):
    product = make.product(name="Bưởi da xanh Chợ Lách")
    officer = make.officer(product.stall.commune)
    catalog.set_officer_hidden(officer, product, True, "Ảnh không đúng sản phẩm")
    assert search.search("buoi da xanh").items == []
    catalog.set_officer_hidden(officer, product, False, "Đã sửa ảnh")
    assert [p.name for p in search.search("buoi da xanh").items] == ["Bưởi da xanh Chợ Lách"]
    stalls.suspend_stall(officer, product.stall, "Bán hàng giả nguồn gốc")
    assert search.search("buoi da xanh").items == []
