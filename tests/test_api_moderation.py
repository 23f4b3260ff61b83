"""Moderation through the API: queues per commune, approve/reject with audit, and the
tenancy boundary (officer of X vs Y's items, buyers, anonymous)."""
import pytest

from marketplace.catalog.models import Product, ProductStatus
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus


@pytest.fixture
def world(make):
    x, y = make.commune("Phúc Hòa"), make.commune("Yên Mô", villages=())
    return {
        "x": x, "y": y,
        "officer_x": make.bearer(make.officer(x)),
        "stall_x": make.stall(commune_obj=x, status=StallStatus.PENDING, name="Vải X"),
        "stall_y": make.stall(commune_obj=y, status=StallStatus.PENDING, name="Gạo Y"),
        "product_x": make.product(make.stall(commune_obj=x), name="Sản phẩm X", status=ProductStatus.PENDING),
        "product_y": make.product(make.stall(commune_obj=y), name="Sản phẩm Y", status=ProductStatus.PENDING),
    }


def test_queues_show_only_the_officers_communes(client, make, world):
    stalls = client.get("/api/v1/moderation/stalls", headers=world["officer_x"]).get_json()
    assert [s["name"] for s in stalls["items"]] == ["Vải X"] and stalls["total"] == 1
    assert stalls["items"][0]["id_number_masked"].endswith("1234")
    assert "024090001234" not in client.get("/api/v1/moderation/stalls", headers=world["officer_x"]).get_data(as_text=True)
    products = client.get("/api/v1/moderation/products", headers=world["officer_x"]).get_json()
    assert [p["name"] for p in products["items"]] == ["Sản phẩm X"]


def test_admin_sees_every_commune(client, make, world):
    admin = make.bearer(make.user(admin=True))
    assert client.get("/api/v1/moderation/stalls", headers=admin).get_json()["total"] == 2
    assert client.get("/api/v1/moderation/products?per_page=1", headers=admin).get_json()["total"] == 2


def test_approve_and_reject_stall_are_audited(client, make, world):
    r = client.post(f"/api/v1/moderation/stalls/{world['stall_x'].id}/approve", headers=world["officer_x"])
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    assert client.get(f"/api/v1/stalls/{world['stall_x'].id}").status_code == 200
    other = make.stall(commune_obj=world["x"], status=StallStatus.PENDING)
    r = client.post(f"/api/v1/moderation/stalls/{other.id}/reject", json={"reason": "Thiếu ảnh CCCD."},
                    headers=world["officer_x"])
    assert r.status_code == 200 and r.get_json()["status"] == "rejected"
    assert r.get_json()["status_reason"] == "Thiếu ảnh CCCD."
    actions = {(e.action, e.target_id) for e in db.session.query(AuditEntry)}
    assert {("stall.approve", world["stall_x"].id), ("stall.reject", other.id)} <= actions


def test_approve_and_reject_product(client, make, world):
    product = world["product_x"]
    assert client.get("/api/v1/products").get_json()["total"] == 0
    r = client.post(f"/api/v1/moderation/products/{product.id}/approve", headers=world["officer_x"])
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    assert [p["id"] for p in client.get("/api/v1/products").get_json()["items"]] == [product.id]
    again = client.post(f"/api/v1/moderation/products/{product.id}/approve", headers=world["officer_x"])
    assert again.status_code == 409
    second = make.product(product.stall, name="Khác", status=ProductStatus.PENDING)
    r = client.post(f"/api/v1/moderation/products/{second.id}/reject", json={"reason": "Ảnh mờ"},
                    headers=world["officer_x"])
    assert r.get_json()["status"] == "rejected" and r.get_json()["status_reason"] == "Ảnh mờ"
    assert db.session.query(AuditEntry).filter_by(action="product.reject", target_id=second.id).count() == 1


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": 5}, None])
def test_reject_needs_a_reason(client, world, body):
    url = f"/api/v1/moderation/stalls/{world['stall_x'].id}/reject"
    r = client.post(url, json=body, headers=world["officer_x"]) if body is not None else \
        client.post(url, data="lý do", headers=world["officer_x"])
    assert r.status_code == 422
    db.session.expire_all()
    assert db.session.get(Stall, world["stall_x"].id).status == StallStatus.PENDING


def _decisions(world, suffix_x=False):
    s, p = ("stall_x", "product_x") if suffix_x else ("stall_y", "product_y")
    return [
        f"/api/v1/moderation/stalls/{world[s].id}/approve",
        f"/api/v1/moderation/stalls/{world[s].id}/reject",
        f"/api/v1/moderation/products/{world[p].id}/approve",
        f"/api/v1/moderation/products/{world[p].id}/reject",
    ]


def _states(world):
    db.session.expire_all()
    return ([db.session.get(Stall, world[k].id).status for k in ("stall_x", "stall_y")]
            + [db.session.get(Product, world[k].id).status for k in ("product_x", "product_y")])


def test_officer_of_x_cannot_decide_on_y(client, world):
    before = _states(world)
    for url in _decisions(world):
        r = client.post(url, json={"reason": "không"}, headers=world["officer_x"])
        assert r.status_code in (403, 404) and r.get_json()["error"]["code"] in ("forbidden", "not_found"), url
    assert _states(world) == before
    assert db.session.query(AuditEntry).count() == 0


def test_buyers_and_sellers_get_403_and_anonymous_401(client, make, world):
    before = _states(world)
    buyer = make.bearer(make.user())
    seller = make.bearer(world["stall_x"].owner)
    for headers, status in ((buyer, 403), (seller, 403), ({}, 401)):
        for url in ("/api/v1/moderation/stalls", "/api/v1/moderation/products"):
            assert client.get(url, headers=headers).status_code == status
        for url in _decisions(world, suffix_x=True):
            assert client.post(url, json={"reason": "x"}, headers=headers).status_code == status, url
    assert _states(world) == before


def test_unknown_ids_are_404(client, world):
    for url in ("/api/v1/moderation/stalls/999999/approve", "/api/v1/moderation/products/999999/approve",
                "/api/v1/moderation/products/99999999999999/approve"):
        assert client.post(url, headers=world["officer_x"]).status_code == 404


def test_foreign_or_unknown_item_is_refused_before_the_reason_is_checked(client, world):
    s, p = world["stall_y"].id, world["product_y"].id
    for url in (f"/api/v1/moderation/stalls/{s}/reject", f"/api/v1/moderation/stalls/{s}/suspend",
                f"/api/v1/moderation/products/{p}/reject", f"/api/v1/moderation/products/{p}/hide",
                "/api/v1/moderation/products/999999/unhide", "/api/v1/moderation/stalls/999999/reinstate"):
        r = client.post(url, json={"reason": 5}, headers=world["officer_x"])
        assert r.status_code in (403, 404) and r.get_json()["error"]["code"] in ("forbidden", "not_found"), url
