"""Opening a stall, fixing it and resubmitting, through the HTML pages."""
import io

from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus
from tests.conftest import login


def stall_form(commune, **overrides):
    data = {
        "name": "Vườn vải nhà bác Tiệp",
        "household_name": "Nguyễn Văn Tiệp",
        "id_number": "024 090 001 234",
        "phone": "0912 345 678",
        "commune_id": str(commune.id),
        "village_id": str(commune.villages[0].id),
        "address_line": "Số 5, đường làng",
        "story": "Ba đời trồng vải.\nVải thiều chín cây.",
        "bank_bin": "970405",
        "bank_account": "1500 2051 23456",
        "bank_holder": "Nguyễn Văn Tiệp",
        "accepts_cod": "y",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_login(client):
    for path in ("/gian-hang-cua-toi", "/gian-hang-cua-toi/mo", "/gian-hang-cua-toi/sua"):
        r = client.get(path)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], path
    r = client.post("/gian-hang-cua-toi/mo", data={})
    assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]


def test_no_stall_invites_to_open_one(client, make):
    login(client, make.user())
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Mở gian hàng" in page and "/gian-hang-cua-toi/mo" in page


def test_form_offers_market_communes_grouped_by_province_and_their_villages(client, make):
    make.commune("Phúc Hòa", villages=("Thôn Đồng", "Thôn Trại"))
    make.commune("Chợ Lách", villages=("Ấp Phú Hữu",))
    login(client, make.user())
    page = client.get("/gian-hang-cua-toi/mo").get_data(as_text=True)
    assert '<optgroup label="Bắc Ninh">' in page
    assert '<optgroup label="Vĩnh Long">' in page
    assert "Xã Phúc Hòa" in page and "Ấp Phú Hữu" in page and "Thôn Trại" in page
    assert 'accept="image/*"' in page and "capture" in page
    assert "Agribank" in page


def test_open_stall_happy_path(client, make, app):
    commune = make.commune()
    user = make.user()
    login(client, user)
    data = stall_form(commune, cover=(io.BytesIO(make.jpeg_bytes()), "bia.jpg"))
    r = client.post("/gian-hang-cua-toi/mo", data=data, content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/gian-hang-cua-toi")
    stall = db.session.query(Stall).one()
    assert stall.owner_id == user.id and stall.status == StallStatus.PENDING
    assert stall.id_number == "024090001234"
    assert stall.phone == "+84912345678"
    assert stall.bank_account == "150020512345" + "6"
    assert stall.bank_holder == "NGUYEN VAN TIEP"
    assert stall.village_id == commune.villages[0].id
    assert stall.cover_key
    assert db.session.query(AuditEntry).filter_by(action="stall.submit", target_id=stall.id).count() == 1
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Chờ duyệt" in page and "Vườn vải nhà bác Tiệp" in page
    assert "Thêm sản phẩm" not in page  # not before the officer approves


def _errors_for(client, make, **overrides):
    commune = make.commune()
    login(client, make.user())
    r = client.post("/gian-hang-cua-toi/mo", data=stall_form(commune, **overrides))
    assert r.status_code == 200
    assert db.session.query(Stall).count() == 0
    return r.get_data(as_text=True)


def test_bad_cccd_is_explained_and_input_kept(client, make):
    page = _errors_for(client, make, id_number="12345")
    assert "Số CCCD gồm 12 chữ số" in page
    assert 'value="12345"' in page
    assert 'value="Vườn vải nhà bác Tiệp"' in page  # the rest is kept too


def test_cccd_with_unknown_province_code_is_refused(client, make):
    page = _errors_for(client, make, id_number="999090001234")
    assert "Số CCCD gồm 12 chữ số" in page


def test_bad_phone(client, make):
    page = _errors_for(client, make, phone="12345")
    assert "Số điện thoại không hợp lệ." in page and 'value="12345"' in page


def test_bad_account_number(client, make):
    page = _errors_for(client, make, bank_account="12AB")
    assert "Số tài khoản gồm 6–19 chữ số." in page and 'value="12AB"' in page


def test_full_width_digits_are_not_an_account_number(client, make):
    page = _errors_for(client, make, bank_account="１２３４５６７８")
    assert "Số tài khoản gồm 6–19 chữ số." in page


def test_missing_bank_and_holder(client, make):
    page = _errors_for(client, make, bank_bin="", bank_holder="")
    assert "Chọn ngân hàng." in page and "Nhập tên chủ tài khoản" in page


def test_village_of_another_commune_is_refused(client, make):
    other = make.commune("Chợ Lách", villages=("Ấp Phú Hữu",))
    page = _errors_for(client, make, village_id=str(other.villages[0].id))
    assert "Thôn/ấp không thuộc xã đã chọn." in page


def test_commune_not_on_the_market_and_garbage_ids(client, make):
    page = _errors_for(client, make, commune_id="99999", village_id="abc")
    assert "Chọn xã có chợ." in page


def test_empty_form_gives_messages_not_500(client, make):
    login(client, make.user())
    r = client.post("/gian-hang-cua-toi/mo", data={})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    for message in ("Nhập tên gian hàng.", "Nhập tên hộ/người đại diện.", "Chọn xã có chợ.", "Chọn ngân hàng."):
        assert message in page


def test_bad_cover_photo_is_refused_and_nothing_stored(client, make):
    commune = make.commune()
    login(client, make.user())
    data = stall_form(commune, cover=(io.BytesIO(b"not an image at all"), "bia.jpg"))
    r = client.post("/gian-hang-cua-toi/mo", data=data, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Tệp không phải ảnh JPEG, PNG hoặc WebP." in page
    assert "chọn lại ảnh" in page
    assert db.session.query(Stall).count() == 0


def test_cannot_open_two_stalls(client, make):
    user = make.user()
    make.stall(owner=user)
    login(client, user)
    r = client.get("/gian-hang-cua-toi/mo")
    assert r.status_code == 302
    r = client.post("/gian-hang-cua-toi/mo", data=stall_form(make.commune(), name="Gian thứ hai"))
    assert r.status_code == 302
    assert db.session.query(Stall).filter_by(owner_id=user.id).count() == 1


def test_rejected_stall_shows_reason_and_resubmit_returns_to_pending(client, make):
    user = make.user()
    stall = make.stall(owner=user, status=StallStatus.REJECTED)
    stall.status_reason = "Ảnh CCCD không rõ, số tài khoản sai."
    db.session.commit()
    login(client, user)
    page = client.get("/gian-hang-cua-toi").get_data(as_text=True)
    assert "Bị từ chối" in page and "số tài khoản sai" in page and "Sửa và gửi lại" in page
    form_page = client.get("/gian-hang-cua-toi/sua").get_data(as_text=True)
    assert 'value="1500205123456"' in form_page  # the current values are shown
    r = client.post("/gian-hang-cua-toi/sua", data=stall_form(stall.commune, bank_account="1500205999999"))
    assert r.status_code == 302
    db.session.refresh(stall)
    assert stall.status == StallStatus.PENDING and stall.bank_account == "1500205999999"
    assert db.session.query(AuditEntry).filter_by(action="stall.resubmit", target_id=stall.id).count() == 1


def test_approved_stall_story_edit_stays_open_bank_change_needs_review(client, make):
    user = make.user()
    stall = make.stall(owner=user)
    login(client, user)
    base = stall_form(stall.commune, name=stall.name, household_name=stall.household_name,
                      id_number=stall.id_number, bank_account=stall.bank_account, bank_holder=stall.bank_holder,
                      village_id=str(stall.village_id))
    client.post("/gian-hang-cua-toi/sua", data={**base, "story": "Chuyện mới của vườn."})
    db.session.refresh(stall)
    assert stall.status == StallStatus.APPROVED and stall.story == "Chuyện mới của vườn."
    client.post("/gian-hang-cua-toi/sua", data={**base, "bank_account": "9999999999"})
    db.session.refresh(stall)
    assert stall.status == StallStatus.PENDING


def test_edit_errors_keep_input_and_leave_stall_unchanged(client, make):
    user = make.user()
    stall = make.stall(owner=user)
    login(client, user)
    r = client.post("/gian-hang-cua-toi/sua", data=stall_form(stall.commune, name="Tên mới", phone="abc"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Số điện thoại không hợp lệ." in page and 'value="Tên mới"' in page
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).name != "Tên mới"


def test_seller_b_edits_only_their_own_stall(client, make):
    a, b = make.user(name="Chủ A"), make.user(name="Chủ B")
    stall_a = make.stall(owner=a, name="Gian A")
    stall_b = make.stall(owner=b, name="Gian B")
    login(client, b)
    client.post("/gian-hang-cua-toi/sua", data=stall_form(stall_a.commune, name="Đổi tên", id_number=stall_a.id_number))
    db.session.expire_all()
    assert db.session.get(Stall, stall_a.id).name == "Gian A"
    assert db.session.get(Stall, stall_b.id).name == "Đổi tên"


def test_suspended_stall_cannot_be_edited(client, make):
    user = make.user()
    stall = make.stall(owner=user, status=StallStatus.SUSPENDED)
    login(client, user)
    r = client.post("/gian-hang-cua-toi/sua", data=stall_form(stall.commune, name="Lách luật"), follow_redirects=True)
    assert "tạm ngừng" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).name != "Lách luật"


def test_huge_and_hostile_text_does_not_500(client, make):
    commune = make.commune()
    login(client, make.user())
    r = client.post("/gian-hang-cua-toi/mo", data=stall_form(
        commune, name="<script>alert(1)</script>🍈" * 500, story="x\x00y" * 200_000, address_line="\x00" * 10))
    assert r.status_code in (302, 413)
    if r.status_code == 302:
        stall = db.session.query(Stall).one()
        assert len(stall.name) <= 120 and "\x00" not in stall.story


def test_double_submit_from_two_threads_opens_one_stall(app, make):
    """A double-tapped 'Gửi đăng ký' on a slow connection: two requests race; one stall."""
    import threading

    from marketplace.accounts.models import User
    from marketplace.core.errors import Conflict
    from marketplace.stalls import services

    commune = make.commune()
    user_id = make.user().id
    data = {**stall_form(commune), "commune_id": commune.id, "village_id": commune.villages[0].id}
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        with app.app_context():
            owner = db.session.get(User, user_id)
            barrier.wait()
            try:
                services.open_stall(owner, data)
                outcomes.append("opened")
            except Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "opened"]
    db.session.expire_all()
    assert db.session.query(Stall).filter_by(owner_id=user_id).count() == 1


def test_race_past_the_one_stall_check_is_a_conflict_not_a_500(app, make, monkeypatch):
    """Both requests passed 'has no stall yet' before either committed: the unique owner
    decides, and the loser gets the same Conflict as a plain second attempt."""
    import pytest

    from marketplace.core.errors import Conflict
    from marketplace.stalls import services

    commune = make.commune()
    owner = make.user()
    data = {**stall_form(commune), "commune_id": commune.id, "village_id": None}
    monkeypatch.setattr(services, "stall_of", lambda user: None)
    services.open_stall(owner, data)
    with pytest.raises(Conflict):
        services.open_stall(owner, {**data, "name": "Gian hàng khác"})
    assert db.session.query(Stall).filter_by(owner_id=owner.id).count() == 1
