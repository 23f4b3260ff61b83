"""Admin pages: open a commune from the 2025 units, its settings, villages and officers."""
import pytest
from sqlalchemy import select

from marketplace.communes.models import Commune, OfficerAssignment
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from tests.test_admin_moderation import login

BAC_NINH = 24
PHUC_HOA = 7330


@pytest.fixture
def admin(make):
    return make.user(name="Quản trị tỉnh", admin=True)


def _commune_routes(commune_id):
    return [
        ("get", "/quan-ly/xa", None),
        ("get", "/quan-ly/xa/them", None),
        ("get", f"/quan-ly/xa/them?province={BAC_NINH}", None),
        ("post", f"/quan-ly/xa/them?province={BAC_NINH}", {"ward_code": str(PHUC_HOA + 1)}),
        ("get", f"/quan-ly/xa/{commune_id}", None),
        ("post", f"/quan-ly/xa/{commune_id}", {"intro": "Bị sửa", "household_count": "1"}),
        ("post", f"/quan-ly/xa/{commune_id}/thon", {"names": "Thôn Lạ"}),
        ("post", f"/quan-ly/xa/{commune_id}/can-bo", {"phone": "0912000001"}),
        ("post", f"/quan-ly/xa/{commune_id}/can-bo/1/bo", {}),
    ]


def _snapshot(commune_id):
    db.session.expire_all()
    c = db.session.get(Commune, commune_id)
    return (c.intro, c.household_count, sorted(v.name for v in c.villages),
            db.session.query(OfficerAssignment).count(), db.session.query(Commune).count())


@pytest.mark.parametrize("who", ["officer", "seller", "buyer"])
def test_admin_pages_refuse_non_admins(client, make, who):
    commune = make.commune()
    user = {"officer": lambda: make.officer(commune), "seller": lambda: make.stall(commune_obj=commune).owner,
            "buyer": lambda: make.user()}[who]()
    before = _snapshot(commune.id)
    login(client, user)
    for method, url, data in _commune_routes(commune.id):
        assert getattr(client, method)(url, data=data).status_code == 403, url
    assert _snapshot(commune.id) == before


def test_admin_pages_send_anonymous_to_login(client, make):
    commune = make.commune()
    before = _snapshot(commune.id)
    for method, url, data in _commune_routes(commune.id):
        r = getattr(client, method)(url, data=data)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], url
    assert _snapshot(commune.id) == before


def test_create_commune_province_then_ward(client, admin):
    login(client, admin)
    html = client.get("/quan-ly/xa/them").get_data(as_text=True)
    assert "Bắc Ninh" in html and 'name="ward_code"' not in html
    html = client.get(f"/quan-ly/xa/them?province={BAC_NINH}").get_data(as_text=True)
    assert f'value="{PHUC_HOA}"' in html and "Xã Phúc Hòa" in html
    r = client.post(f"/quan-ly/xa/them?province={BAC_NINH}",
                    data={"ward_code": str(PHUC_HOA), "intro": "Quê vải thiều", "requires_product_review": "y"})
    assert r.status_code == 302
    commune = db.session.scalar(select(Commune))
    assert (commune.name, commune.province_name, commune.intro) == ("Xã Phúc Hòa", "Bắc Ninh", "Quê vải thiều")
    assert r.headers["Location"].endswith(f"/quan-ly/xa/{commune.id}")
    assert db.session.scalar(select(AuditEntry.action)) == "commune.create"
    # the same ward twice is refused next to the field
    r = client.post(f"/quan-ly/xa/them?province={BAC_NINH}", data={"ward_code": str(PHUC_HOA)})
    assert r.status_code == 422 and "Xã này đã có trên chợ." in r.get_data(as_text=True)
    assert "Chợ Phúc Hòa" in client.get("/cho").get_data(as_text=True)


@pytest.mark.parametrize("query,data", [
    ("province=99999", {"ward_code": "1"}), ("province=abc", {"ward_code": "abc"}), ("", {}),
    (f"province={BAC_NINH}", {"ward_code": "99999999"}),
])
def test_create_commune_bad_input_never_500(client, admin, query, data):
    login(client, admin)
    assert client.get(f"/quan-ly/xa/them?{query}").status_code == 200
    r = client.post(f"/quan-ly/xa/them?{query}", data=data)
    assert r.status_code == 422
    assert db.session.query(Commune).count() == 0


def test_edit_commune_settings_writes_audit(client, admin, make):
    commune = make.commune()
    login(client, admin)
    assert "Xã Phúc Hòa" in client.get(f"/quan-ly/xa/{commune.id}").get_data(as_text=True)
    r = client.post(f"/quan-ly/xa/{commune.id}", data={"intro": "Vùng vải\nthiều ngon", "household_count": "2150",
                                                       "contact": "UBND xã, 0204 3 123 456"})
    assert r.status_code == 302
    db.session.expire_all()
    commune = db.session.get(Commune, commune.id)
    assert commune.intro == "Vùng vải\nthiều ngon" and commune.household_count == 2150
    assert commune.requires_product_review is False  # unchecked box
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "commune.update")).all()
    assert entry.actor_id == admin.id and entry.commune_id == commune.id
    assert set(entry.data["changed"]) == {"intro", "household_count", "contact", "requires_product_review"}


def test_edit_commune_bad_count_keeps_input(client, admin, make):
    commune = make.commune()
    login(client, admin)
    r = client.post(f"/quan-ly/xa/{commune.id}", data={"intro": "Giữ lại chữ này", "household_count": "-4"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Giữ lại chữ này" in html and "Số hộ không hợp lệ." in html
    db.session.expire_all()
    assert db.session.get(Commune, commune.id).intro == ""


def test_add_villages_one_per_line(client, admin, make):
    commune = make.commune(villages=("Thôn Đồng",))
    login(client, admin)
    r = client.post(f"/quan-ly/xa/{commune.id}/thon", data={"names": "Thôn Bãi\r\n\r\n  Thôn Hạ  \nThôn Đồng\n"},
                    follow_redirects=True)
    assert r.status_code == 200 and "Đã thêm 2 thôn/ấp." in r.get_data(as_text=True)
    db.session.expire_all()
    assert sorted(v.name for v in db.session.get(Commune, commune.id).villages) == ["Thôn Bãi", "Thôn Hạ", "Thôn Đồng"]
    r = client.post(f"/quan-ly/xa/{commune.id}/thon", data={"names": "  "})
    assert r.status_code == 422 and "Nhập ít nhất một tên thôn/ấp." in r.get_data(as_text=True)


def test_assign_and_unassign_officer_by_phone(client, admin, make):
    commune = make.commune()
    person = make.user(name="Trần Thị Bình", phone="+84912000001")
    login(client, admin)
    r = client.post(f"/quan-ly/xa/{commune.id}/can-bo", data={"phone": "0912 000 002"})
    assert r.status_code == 422 and "Chưa có tài khoản với số điện thoại này" in r.get_data(as_text=True)
    assert 'value="0912 000 002"' in r.get_data(as_text=True)
    r = client.post(f"/quan-ly/xa/{commune.id}/can-bo", data={"phone": "không phải số"})
    assert r.status_code == 422
    r = client.post(f"/quan-ly/xa/{commune.id}/can-bo", data={"phone": "0912 000 001"})
    assert r.status_code == 302
    assert [a.user_id for a in db.session.scalars(select(OfficerAssignment))] == [person.id]
    assert "Trần Thị Bình" in client.get(f"/quan-ly/xa/{commune.id}").get_data(as_text=True)
    r = client.post(f"/quan-ly/xa/{commune.id}/can-bo/{person.id}/bo")
    assert r.status_code == 302
    assert db.session.query(OfficerAssignment).count() == 0
    actions = [a for a in db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))]
    assert actions == ["officer.assign", "officer.unassign"]
    assert client.post(f"/quan-ly/xa/{commune.id}/can-bo/999999/bo").status_code == 404
    assert client.get("/quan-ly/xa/999999").status_code == 404


def test_communes_list(client, admin, make):
    make.commune()
    make.commune("Chợ Lách")
    login(client, admin)
    html = client.get("/quan-ly/xa").get_data(as_text=True)
    assert "Xã Phúc Hòa" in html and "Xã Chợ Lách" in html and "Vĩnh Long" in html


def test_hostile_input_never_500(client, admin, make):
    commune = make.commune()
    login(client, admin)
    huge = "99999999999999999999"
    assert client.get(f"/quan-ly/xa/them?province={huge}").status_code == 200
    assert client.post(f"/quan-ly/xa/them?province={BAC_NINH}", data={"ward_code": huge}).status_code == 422
    assert client.get(f"/quan-ly/xa/{huge}").status_code == 404
    assert client.post(f"/quan-ly/xa/{commune.id}/can-bo/{huge}/bo").status_code == 404
    r = client.post(f"/quan-ly/xa/{commune.id}", data={"household_count": huge, "intro": "<script>x</script>" * 1000})
    assert r.status_code == 422 and "<script>x" not in r.get_data(as_text=True)
    r = client.post(f"/quan-ly/xa/{commune.id}/thon", data={"names": "x" * 500 + "\n😀 Thôn <b>Mới</b>"})
    assert r.status_code == 302
    db.session.expire_all()
    names = sorted(v.name for v in db.session.get(Commune, commune.id).villages)
    assert "😀 Thôn <b>Mới</b>" in names and "x" * 120 in names
    assert "<b>Mới</b>" not in client.get(f"/cho/{commune.slug}").get_data(as_text=True)


def test_update_commune_settings_service(app, make):
    from marketplace.communes.services import update_commune_settings
    from marketplace.core.errors import Forbidden, ValidationError

    commune = make.commune()
    admin_user = make.user(admin=True)
    other = make.officer(make.commune("Hồng Sơn"))  # officers edit only their own commune's settings
    with app.test_request_context(), pytest.raises(Forbidden):  # messages are translated per request
        update_commune_settings(other, commune, {"intro": "Không được"})
    with app.test_request_context(), pytest.raises(ValidationError) as exc:
        update_commune_settings(admin_user, commune, {"household_count": -1})
    assert "household_count" in exc.value.fields
    same = {"intro": "", "requires_product_review": True, "household_count": None, "contact": ""}
    update_commune_settings(admin_user, commune, same)
    assert db.session.query(AuditEntry).count() == 0  # nothing changed, nothing to record
    update_commune_settings(admin_user, commune, {**same, "intro": "  Cha\u0300o mừng  "})  # decomposed à
    entry = db.session.scalar(select(AuditEntry))
    assert entry.data["before"] == {"intro": ""} and commune.intro == "Chào mừng"
