"""What buyers type, and what they must find in the top 3 — on every search backend."""
import unicodedata

import pytest

from marketplace.search import services
from tests.search_fixtures import catalogue, search_backend  # noqa: F401  (fixtures)

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

# (what the buyer types, the product that must be in the top 3)
QUERIES = [
    ("vai thieu luc ngan", "Vải thiều Lục Ngạn loại 1"),
    ("vải thiều", "Vải thiều Lục Ngạn loại 1"),
    ("VẢI THIỀU", "Vải thiều Lục Ngạn loại 1"),
    (NFD("vải thiều lục ngạn"), "Vải thiều Lục Ngạn loại 1"),
    ("Vai Thieu", "Vải thiều Lục Ngạn loại 1"),
    ("thiue", "Vải thiều Lục Ngạn loại 1"),
    ("luc ngan", "Vải thiều Lục Ngạn loại 1"),
    ("mat ong hoa vai", "Mật ong hoa vải"),
    ("mật ong rừng", "Mật ong rừng nguyên chất"),
    ("buoi da xanh", "Bưởi da xanh Chợ Lách"),
    ("bưởi da xnah", "Bưởi da xanh Chợ Lách"),
    ("cho lach", "Bưởi da xanh Chợ Lách"),
    ("ca chach", "Cá chạch đồng"),
    ("dua sap", "Dừa sáp"),
    ("keo dua ben tre", "Kẹo dừa Bến Tre"),
    ("kẹo dừa", "Kẹo dừa Bến Tre"),
    ("keo duaa", "Kẹo dừa Bến Tre"),
    ("ben tre", "Kẹo dừa Bến Tre"),
    ("keo dua sau rieng", "Kẹo dừa sầu riêng"),
    ("chuoi say deo", "Chuối sấy dẻo"),
    ("chuoii say deo", "Chuối sấy dẻo"),
    ("che tan cuong", "Chè Tân Cương móc câu"),
    ("tra moc cau", "Chè Tân Cương móc câu"),
    ("tan cuong", "Chè Tân Cương móc câu"),
    ("duong thot not", "Đường thốt nốt"),
    ("ĐƯỜNG THỐT NỐT", "Đường thốt nốt"),
    (NFD("đường thốt nốt"), "Đường thốt nốt"),
    ("dau dua", "Dầu dừa nguyên chất"),
    ("mang cut", "Măng cụt"),
    ("mang kho", "Măng khô"),
    ("sau rieng ri6", "Sầu riêng Ri6"),
    ("sau rieg", "Sầu riêng Ri6"),
    ("mut me", "Mứt me"),
    ("muối mè", "Muối mè"),
    ("banh chung", "Bánh chưng Bờ Đậu"),
    ("gao nep cai hoa vang", "Gạo nếp cái hoa vàng"),
    ("nep cai", "Gạo nếp cái hoa vàng"),
    ("mien dong", "Miến dong"),
    ("nam huong", "Nấm hương rừng"),
    ("tom kho", "Tôm khô Bến Tre"),
    ("kho ca loc", "Khô cá lóc"),
    ("cha ca thac lac", "Chả cá thác lác"),
    ("chom chom", "Chôm chôm Java"),
    ("oi nu hoang", "Ổi nữ hoàng"),
    ("nhan long", "Nhãn lồng"),
    ("dua hau", "Dưa hấu không hạt"),
    ("dưa hấu", "Dưa hấu không hạt"),
    ("ruou vai", "Rượu vải thiều"),
    ("vai say kho", "Vải thiều sấy khô"),
    ("nuoc cot dua", "Nước cốt dừa"),
    ("tuong ot", "Tương ớt"),
    ("dau den xanh long", "Đậu đen xanh lòng"),
    ("trung ga ta", "Trứng gà ta"),
    ("ga doi", "Gà đồi thả vườn"),
    ("dua xiem", "Dừa xiêm xanh"),
    ("cay giong buoi", "Cây giống bưởi da xanh"),
    ("thach dua", "Thạch dừa"),
    ("dau phong rang", "Đậu phộng rang"),
    ("mat ong bac ha", "Mật ong bạc hà"),
    ("chuoi tieu hong", "Chuối tiêu hồng"),
]


def test_every_realistic_query_finds_its_product_in_the_top_3(catalogue):
    misses = []
    for typed, expected in QUERIES:
        result = services.search(typed)
        top = [p.name for p in result.items[:3]]
        if expected not in top:
            misses.append(f"{typed!r}: wanted {expected!r}, got {top}")
    assert len(QUERIES) >= 40
    assert not misses, "\n".join(misses)


def test_accent_exact_match_ranks_above_folded_variants(catalogue):
    # mè (sesame) and me (tamarind), dừa (coconut) and dưa (melon) fold to the same letters.
    assert services.search("mè").items[0].name == "Muối mè"
    assert services.search("me").items[0].name == "Mứt me"
    assert services.search("dưa").items[0].name in {"Dưa hấu không hạt", "Dưa cải muối"}
    assert services.search("dừa").items[0].name in {n for n in catalogue if "dừa" in n.lower()}


def test_all_spellings_of_a_word_find_the_same_products(catalogue):
    spellings = ["Vải", "vai", "VẢI", NFD("vải"), "  vải  "]
    found = [{p.id for p in services.search(s, per_page=60).items} for s in spellings]
    assert found[0] and all(f == found[0] for f in found)


def test_in_stock_then_ocop_break_ties_of_relevance(app, search_backend, make):
    stall = make.stall(name="Vườn na Chi Lăng")
    sold_out = make.product(stall, name="Na dai Chi Lăng", stock_milli=0, description="Na dai")
    plain = make.product(stall, name="Na dai Chi Lăng", description="Na dai")
    ocop = make.product(stall, name="Na dai Chi Lăng", description="Na dai", ocop_stars=4, ocop_decision="QĐ 1")
    search_backend.rebuild()
    assert [p.id for p in services.search("na dai").items] == [ocop.id, plain.id, sold_out.id]
    ocop.stock_milli = 0
    from marketplace.extensions import db

    db.session.commit()
    assert [p.id for p in services.search("na dai").items] == [plain.id, ocop.id, sold_out.id]


def test_facet_counts_and_narrowing(catalogue):
    result = services.search("")
    assert result.total == 60
    facets = {f["name"]: {str(v["label"]): v for v in f["values"]} for f in result.facets}
    assert facets["province"]["Vĩnh Long"]["count"] == 29
    assert facets["province"]["Bắc Ninh"]["count"] == 13
    assert facets["commune"]["Xã Chợ Lách"]["count"] == 15
    assert sum(v["count"] for v in facets["price_band"].values()) == 60
    ocop = {v["value"]: v["count"] for v in facets["ocop"].values()}
    assert ocop == {"3": 3, "4": 3, "5": 1}
    assert "traceable" not in facets  # hidden until some product has batches

    vinh_long = facets["province"]["Vĩnh Long"]["value"]
    narrowed = services.search("dua", filters={"province": vinh_long})
    assert narrowed.total > 0
    assert all(p.stall.commune.province_name == "Vĩnh Long" for p in narrowed.items)
    n_facets = {f["name"]: {str(v["label"]): v for v in f["values"]} for f in narrowed.facets}
    assert set(n_facets["province"]) == {"Vĩnh Long"}
    assert n_facets["province"]["Vĩnh Long"]["selected"]
    assert sum(v["count"] for v in n_facets["commune"].values()) == narrowed.total
    fruit = n_facets["category"]["Trái cây"]["value"]
    both = services.search("dua", filters={"province": vinh_long, "category": fruit})
    assert {p.name for p in both.items} == {"Dừa sáp", "Dừa xiêm xanh"}


def test_price_band_and_ocop_filters(catalogue):
    cheap = services.search("", filters={"price_band": "0-50000"}, per_page=60)
    assert cheap.total and all(p.price < 50000 for p in cheap.items)
    five = services.search("", filters={"ocop": "5"})
    assert [p.name for p in five.items] == ["Chè Tân Cương móc câu"]
    assert services.search("", filters={"traceable": "1"}).total == 0


def test_sort_options(catalogue):
    asc = [p.price for p in services.search("mat ong", sort="price_asc").items]
    desc = [p.price for p in services.search("mat ong", sort="price_desc").items]
    assert asc == sorted(asc) and desc == sorted(desc, reverse=True) and len(asc) >= 4
    from marketplace.extensions import db

    newest = catalogue["Mật ong hoa vải"]
    from marketplace.core.timeutil import utcnow

    newest.created_at = utcnow().replace(year=2099)
    db.session.commit()
    assert services.search("mat ong", sort="newest").items[0].name == "Mật ong hoa vải"
    assert services.search("mat ong", sort="nonsense").sort == "relevance"


def test_pagination_is_stable_and_complete(catalogue):
    seen = []
    for page in (1, 2, 3):
        seen += [p.id for p in services.search("", page=page, per_page=24).items]
    assert len(seen) == len(set(seen)) == 60
    assert services.search("", page=99).items == []


def test_did_you_mean_when_nothing_matches(catalogue):
    result = services.search("vai thiwwu")
    assert result.total == 0
    assert result.did_you_mean == "vai thieu"
    assert "vải thiều" in services.search(result.did_you_mean).items[0].name.lower()
    assert services.search("xyzxyz qqqq").did_you_mean is None


def test_suggest_completes_product_and_stall_names(catalogue):
    texts = [s["text"] for s in services.suggest("vai th")]
    assert "Vải thiều Lục Ngạn loại 1" in texts and "Vải thiều sấy khô" in texts
    assert all("Mật ong" not in t for t in texts)
    stalls = [s["text"] for s in services.suggest("vuon buo") if s["kind"] == "stall"]
    assert stalls == ["Vườn bưởi Tư Lách"]
    assert services.suggest("") == [] and services.suggest("   ") == []


def _whoosh_collector_hits(backend, q):
    """The same search through Whoosh's own query tree and collectors (slow at 100,000
    products, but the reference for what the fast path must return)."""
    from whoosh import sorting
    from whoosh.query import And, Every, Or, Term

    from marketplace.search.backends import FACETS
    from marketplace.search.backends.whoosh_reading import BAND_KEYS, FACET_FIELDS, SORTED_BY, facet_key

    with backend._view() as view:
        s = view.searcher
        text = And([Or([Term(f, t, boost=b) for f, t, b in view.word_terms(fol, acc)])
                    for acc, fol in q.words]) if q.words else Every()
        filters = [Term(FACET_FIELDS[k], BAND_KEYS.index(v) if k == "price_band" else int(v))
                   for k, v in q.filters.items()]
        kwargs = {"filter": And(filters) if filters else None,
                  "groupedby": {f: sorting.FieldFacet(FACET_FIELDS[f], maptype=sorting.Count) for f in FACETS}}
        if q.sort in SORTED_BY:
            kwargs.update(sortedby=SORTED_BY[q.sort][0], reverse=SORTED_BY[q.sort][1])
        page = s.search_page(text, q.page, pagelen=q.per_page, **kwargs)
        facets = {f: {facet_key(f, k): v for k, v in page.results.groups(f).items()} for f in FACETS}
        ids = [int(hit["id"]) for hit in page] if q.page <= page.pagecount else []
        return ids, len(page.results), facets


def test_whoosh_fast_path_returns_what_whoosh_collectors_return(catalogue, search_backend):
    from marketplace.search.analysis import query_tokens
    from marketplace.search.backends import Query
    from marketplace.search.backends.whoosh_backend import WhooshBackend

    if not isinstance(search_backend, WhooshBackend):
        pytest.skip("Whoosh only")
    db_filters = [{}, {"price_band": "0-50000"}, {"ocop": "4"}]
    # First one fresh segment; then an update leaves a second segment and deleted documents.
    for update in (False, True):
        if update:
            catalogue["Mật ong hoa vải"].price = 260000
            search_backend.apply({catalogue["Mật ong hoa vải"].id})
            with search_backend._view() as view:
                assert len(view.reader.leaf_readers()) > 1 and view.reader.has_deletions()
        for i, (text, _name) in enumerate(QUERIES + [("", None), ("khong co gi", None)]):
            for sort in ("relevance", "price_asc", "price_desc", "newest"):
                q = Query(words=query_tokens(text), filters=db_filters[i % 3], sort=sort, page=1, per_page=4)
                hits = search_backend.search(q)
                assert (hits.ids, hits.total, hits.facets) == _whoosh_collector_hits(search_backend, q), (text, sort)
