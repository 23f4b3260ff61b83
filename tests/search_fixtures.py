"""A realistic catalogue for search tests (4 communes, 60 products) and a fresh index per test,
on each backend: Whoosh always, PostgreSQL when the suite runs on PostgreSQL."""
import pytest

from marketplace.extensions import db
from marketplace.search.backends.whoosh_backend import WhooshBackend
from tests import factories as make
from tests.conftest import TEST_DATABASE_URL

# commune (ward name ends with), stall name, [(product, category, price VND, extra fields)]
CATALOGUE = [
    ("Lục Ngạn", "Vườn vải nhà Hùng", [
        ("Vải thiều Lục Ngạn loại 1", "Trái cây", 45000, {"ocop_stars": 4, "ocop_decision": "QĐ 123/UBND"}),
        ("Vải thiều sấy khô", "Đặc sản khô", 180000, {}),
        ("Rượu vải thiều", "Đồ uống", 120000, {}),
        ("Nhãn lồng", "Trái cây", 40000, {}),
        ("Mứt vải", "Bánh kẹo", 90000, {}),
    ]),
    ("Lục Ngạn", "Hợp tác xã ong mật Tân Sơn", [
        ("Mật ong hoa vải", "Mật ong", 250000, {"ocop_stars": 3, "ocop_decision": "QĐ 77/UBND"}),
        ("Mật ong rừng nguyên chất", "Mật ong", 450000, {}),
        ("Cam sành", "Trái cây", 35000, {}),
        ("Gà đồi thả vườn", "Thịt", 150000, {}),
        ("Dưa hấu không hạt", "Trái cây", 18000, {}),
        ("Đậu phộng rang", "Đặc sản khô", 60000, {}),
        ("Táo xanh giòn", "Trái cây", 30000, {}),
        ("Hồng không hạt", "Trái cây", 55000, {}),
    ]),
    ("Chợ Lách", "Vườn bưởi Tư Lách", [
        ("Bưởi da xanh Chợ Lách", "Trái cây", 55000, {"ocop_stars": 4, "ocop_decision": "QĐ 9/UBND"}),
        ("Chôm chôm Java", "Trái cây", 30000, {}),
        ("Sầu riêng Ri6", "Trái cây", 95000, {}),
        ("Măng cụt", "Trái cây", 70000, {}),
        ("Cây giống bưởi da xanh", "Cây giống", 40000, {}),
        ("Mít Thái", "Trái cây", 25000, {}),
        ("Ổi nữ hoàng", "Trái cây", 28000, {}),
        ("Chanh không hạt", "Trái cây", 22000, {}),
    ]),
    ("Chợ Lách", "Lò sấy Cái Mơn", [
        ("Chuối sấy dẻo", "Đặc sản khô", 85000, {"ocop_stars": 3, "ocop_decision": "QĐ 10/UBND"}),
        ("Cá chạch đồng", "Thủy sản", 220000, {}),
        ("Dừa sáp", "Trái cây", 120000, {}),
        ("Kẹo chuối", "Bánh kẹo", 50000, {}),
        ("Nước cốt dừa", "Đồ uống", 35000, {}),
        ("Bánh phồng sữa", "Bánh kẹo", 45000, {}),
        ("Mứt me", "Bánh kẹo", 60000, {}),
    ]),
    ("Bến Tre", "Cơ sở kẹo dừa Thanh Long", [
        ("Kẹo dừa Bến Tre", "Bánh kẹo", 45000, {"ocop_stars": 4, "ocop_decision": "QĐ 55/UBND"}),
        ("Kẹo dừa sầu riêng", "Bánh kẹo", 55000, {}),
        ("Dừa xiêm xanh", "Trái cây", 15000, {}),
        ("Bánh tráng dừa", "Bánh kẹo", 40000, {}),
        ("Dầu dừa nguyên chất", "Đặc sản khô", 120000, {}),
        ("Thạch dừa", "Bánh kẹo", 30000, {}),
        ("Muối mè", "Gia vị", 40000, {}),
    ]),
    ("Bến Tre", "Vựa khô Năm Cần", [
        ("Tôm khô Bến Tre", "Thủy sản", 600000, {"ocop_stars": 3, "ocop_decision": "QĐ 56/UBND"}),
        ("Khô cá lóc", "Thủy sản", 350000, {}),
        ("Chả cá thác lác", "Thủy sản", 180000, {}),
        ("Mắm ruốc", "Gia vị", 70000, {}),
        ("Đường thốt nốt", "Gia vị", 65000, {}),
        ("Chuối xiêm", "Trái cây", 20000, {}),
        ("Bột sắn dây", "Đặc sản khô", 110000, {}),
    ]),
    ("Tân Cương", "Chè Tân Cương nhà Hoa", [
        ("Chè Tân Cương móc câu", "Chè", 300000, {"ocop_stars": 5, "ocop_decision": "QĐ 5/UBND"}),
        ("Trà xanh búp", "Chè", 250000, {}),
        ("Chè đinh", "Chè", 900000, {}),
        ("Bánh chưng Bờ Đậu", "Bánh kẹo", 60000, {}),
        ("Gạo nếp cái hoa vàng", "Gạo", 38000, {}),
        ("Miến dong", "Đặc sản khô", 75000, {}),
        ("Nấm hương rừng", "Đặc sản khô", 400000, {}),
    ]),
    ("Tân Cương", "Trang trại Đồng Hỷ", [
        ("Măng khô", "Đặc sản khô", 280000, {}),
        ("Trứng gà ta", "Thịt", 4000, {"unit": "qua"}),
        ("Cá chép", "Thủy sản", 80000, {}),
        ("Chuối tiêu hồng", "Trái cây", 25000, {}),
        ("Đậu đen xanh lòng", "Đặc sản khô", 48000, {}),
        ("Tương ớt", "Gia vị", 30000, {}),
        ("Dưa cải muối", "Gia vị", 25000, {}),
        ("Gạo tẻ Bao Thai", "Gạo", 22000, {}),
        ("Mật ong bạc hà", "Mật ong", 500000, {}),
        ("Chè lam", "Bánh kẹo", 50000, {}),
        ("Lạc đỏ", "Đặc sản khô", 55000, {}),
    ]),
]

BACKENDS = [
    "whoosh",
    pytest.param("postgres", marks=pytest.mark.skipif(
        not TEST_DATABASE_URL.startswith("postgresql"),
        reason="the PostgreSQL search backend needs TEST_DATABASE_URL pointing at PostgreSQL")),
]


@pytest.fixture(params=BACKENDS)
def search_backend(request, app, tmp_path):
    """A fresh, empty backend of each kind, installed for the duration of the test."""
    previous = app.extensions["search"]
    if request.param == "postgres":
        from marketplace.search.backends.postgres_backend import PostgresBackend

        backend = PostgresBackend()
        backend.rebuild()
    else:
        backend = WhooshBackend(tmp_path / "search-index")
        backend.rebuild()
    app.extensions["search"] = backend
    yield backend
    app.extensions["search"] = previous


def build_catalogue(app, backend) -> dict:
    """Create the catalogue without following commits, then index it in one rebuild.
    Returns {product name: product}."""
    app.config["SEARCH_FOLLOW_COMMITS"] = False
    products = {}
    try:
        for i, (commune_name, stall_name, items) in enumerate(CATALOGUE):
            commune = make.commune(commune_name, villages=(f"Thôn {i + 1}",))
            stall = make.stall(owner=make.user(name=f"Hộ {stall_name}"), commune_obj=commune, name=stall_name)
            for name, category, price, extra in items:
                products[name] = make.product(stall, name=name, category_name=category, price=price,
                                              description=f"{name} của {stall_name}, giao tận nơi.", **extra)
    finally:
        app.config["SEARCH_FOLLOW_COMMITS"] = True
    backend.rebuild()
    db.session.expire_all()
    return products


@pytest.fixture
def catalogue(app, search_backend):
    with app.test_request_context():  # facet labels are translated strings
        yield build_catalogue(app, search_backend)
