"""`flask seed-demo`: realistic, rule-abiding demo data, loaded once, whose logins work."""
import os
from datetime import date

from sqlalchemy import func, select

from marketplace import demo as demo_module
from marketplace.catalog.models import Product, ProductStatus
from marketplace.catalog.services import media_dir as product_media_dir
from marketplace.communes.models import Commune
from marketplace.core.images import SIZES
from marketplace.core.phone import display_phone
from marketplace.demo_data import PASSWORD
from marketplace.extensions import db, limiter
from marketplace.stalls.models import Stall, StallStatus


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _seed(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_seed_demo_loads_the_communes_stalls_and_products(app):
    output = _seed(app)

    names = {(c.name, c.province_name) for c in db.session.scalars(select(Commune))}
    assert {("Xã Phúc Hòa", "Bắc Ninh"), ("Xã Yên Mô", "Ninh Bình"), ("Xã Chợ Lách", "Vĩnh Long")} <= names
    assert all(c.villages for c in db.session.scalars(select(Commune)))
    stalls = db.session.scalars(select(Stall)).all()
    assert len(stalls) >= 15
    assert [s.status for s in stalls].count(StallStatus.PENDING) == 1
    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 80
    statuses = [p.status for p in products]
    assert statuses.count(ProductStatus.PENDING) >= 2
    rejected = [p for p in products if p.status == ProductStatus.REJECTED]
    assert len(rejected) == 1 and rejected[0].status_reason
    assert any(p.unit == "kg" and p.step_milli == 500 for p in products)
    assert any(p.unit in ("chai", "hu", "nieu") for p in products)
    assert any(p.ocop_stars and p.ocop_decision for p in products)
    assert any(p.certifications and p.certifications[0].kind == "vietgap" for p in products)
    assert any(p.stock_milli == 0 for p in products)
    today = date.today()  # certificates are dated relative to today: the demo never shows them expired
    assert all(p.ocop_expiry > today for p in products if p.ocop_stars)
    assert all(c.is_valid_on(today) for p in products for c in p.certifications)
    for product in products:
        assert product.images, product.name
        for size in SIZES:
            assert os.path.getsize(os.path.join(product_media_dir(), f"{product.images[0].key}_{size}.jpg")) > 1000
    assert "0900 000 001" in output and PASSWORD in output


def test_seed_demo_twice_changes_nothing(app):
    _seed(app)
    before = _counts()
    files = len(os.listdir(product_media_dir()))

    output = _seed(app)

    assert "nothing changed" in output
    assert "0900 000 001" in output  # the logins are printed on a re-run too
    assert _counts() == before
    assert len(os.listdir(product_media_dir())) == files
    assert before["products"] >= 80 and before["product_images"] == before["products"]


def test_every_demo_login_logs_in_through_the_form(app):
    demo, _created = demo_module.seed_demo()
    assert {"admin", "buyer", "seller"} <= {role for role, _p, _n in demo["logins"]}
    assert sum(role.startswith("officer") for role, _p, _n in demo["logins"]) >= 3
    for _role, phone, _name in demo["logins"]:
        limiter.reset()
        client = app.test_client()
        response = client.post("/dang-nhap", data={"phone": display_phone(phone), "password": PASSWORD})
        assert response.status_code == 302, phone
        assert client.get("/tai-khoan").status_code == 200, phone


def test_demo_officers_manage_only_their_commune(app):
    demo, _created = demo_module.seed_demo()
    phuc_hoa, cho_lach = demo["communes"]["phuc-hoa"], demo["communes"]["cho-lach"]
    officer = demo["officers"]["phuc-hoa"]
    assert officer.commune_ids == {phuc_hoa.id}
    assert cho_lach.id not in officer.commune_ids


def test_seed_demo_refuses_outside_debug(app, monkeypatch):
    monkeypatch.setattr(app, "testing", False)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "FLASK_DEBUG" in result.output
    assert db.session.scalar(select(func.count()).select_from(Stall)) == 0


def test_area_seeders_run_once_with_what_was_created(app, monkeypatch):
    calls = []

    def seeder(demo):
        calls.append(demo)
        demo["logins"].append(("shipper", "+84900000777", "Bưu tá Lương"))
        return {"stamp_codes": ["https://choxa.example/t/ABC123"], "batches": [object(), object()]}

    monkeypatch.setattr(demo_module, "SEEDERS", (seeder, "marketplace.not_an_area.demo:seed_demo"))
    output = _seed(app)

    assert len(calls) == 1
    demo = calls[0]
    assert len(demo["stalls"]) >= 15 and all(isinstance(s, Stall) for s in demo["stalls"])
    assert len(demo["products"]) >= 80 and all(isinstance(p, Product) for p in demo["products"])
    assert demo["users"]["buyer"].phone == "+84900000009"
    assert "Bưu tá Lương" in output
    assert "stamp_codes: https://choxa.example/t/ABC123" in output and "batches: 2" in output

    _seed(app)
    assert len(calls) == 1  # a second run does not place orders or issue stamps again


def test_a_broken_area_seeder_is_not_silently_skipped(app, monkeypatch):
    monkeypatch.setattr(demo_module, "SEEDERS", ("tests.test_demo:no_such_function",))
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and isinstance(result.exception, AttributeError)
