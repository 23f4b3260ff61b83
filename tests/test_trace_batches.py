"""Seller batches and journeys: creating from the phone, append-only after the first scan,
and who may do what."""
import io
from datetime import date, timedelta

import pytest

from marketplace.core.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.trace import services as trace
from marketplace.trace.models import Batch, TraceEvent
from tests.conftest import login as _login


def login(client, user):
    """Log in, forgetting the user Flask-Login cached in `g` during an earlier request of this
    test (requests share the test's app context)."""
    from flask import g

    g.pop("_login_user", None)
    _login(client, user)


def test_seller_creates_a_batch_with_generated_code_and_default_place(client, make):
    product = make.product()
    login(client, product.stall.owner)
    form = client.get(f"/gian-hang-cua-toi/san-pham/{product.id}/lo-moi")
    assert form.status_code == 200 and "<title>" in form.get_data(as_text=True)
    r = client.post(f"/gian-hang-cua-toi/san-pham/{product.id}/lo-moi", data={
        "code": "", "harvested_on": "2026-06-01", "packed_on": "2026-06-02", "best_before": "2026-06-20",
        "quantity": "1250,5", "place": "",
    })
    assert r.status_code == 302
    batch = db.session.query(Batch).one()
    assert batch.code == "260601" and batch.quantity_milli == 1_250_500
    assert "Thôn Đồng" in batch.place and "Phúc Hòa" in batch.place
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "260601" in page and "Tạo tem" in page


def test_batch_form_keeps_input_and_shows_errors(client, make):
    product = make.product()
    make.batch(product, code="L1")
    login(client, product.stall.owner)
    r = client.post(f"/gian-hang-cua-toi/san-pham/{product.id}/lo-moi", data={
        "code": "L1", "harvested_on": "2026-06-05", "packed_on": "2026-06-01", "quantity": "abc",
        "place": "Vườn đồi",
    })
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Nhập số, ví dụ" in text
    r = client.post(f"/gian-hang-cua-toi/san-pham/{product.id}/lo-moi", data={
        "code": "L1", "harvested_on": "2026-06-05", "packed_on": "2026-06-01", "place": "Vườn đồi"})
    text = r.get_data(as_text=True)
    assert "Sản phẩm đã có lô với mã này." in text and "Ngày đóng gói không thể trước ngày thu hoạch." in text
    assert 'value="Vườn đồi"' in text
    assert db.session.query(Batch).count() == 1


def test_add_event_from_phone_with_photo_strips_gps(client, make, app):
    batch = make.batch()
    login(client, batch.stall.owner)
    assert client.get(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien").status_code == 200
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien", data={
        "kind": "sprayed", "happened_on": date.today().isoformat(), "material": "Chế phẩm sinh học",
        "preharvest_days": "14", "note": "Phun phòng nấm",
        "photo": (io.BytesIO(make.jpeg_bytes(exif_gps=True)), "anh.jpg"),
    }, content_type="multipart/form-data")
    assert r.status_code == 302
    event = db.session.query(TraceEvent).one()
    assert event.actor == batch.stall.household_name and event.preharvest_days == 14 and event.photo_key
    photo = client.get(f"/media/t/{event.photo_key}_320.jpg")
    assert photo.status_code == 200 and b"GPS" not in photo.data
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien", data={
        "kind": "harvested", "happened_on": (date.today() + timedelta(days=3)).isoformat()})
    assert r.status_code == 200 and "Ngày không thể ở tương lai." in r.get_data(as_text=True)


def test_events_are_append_only_after_the_first_scan(client, make):
    batch = make.batch(events=[("harvested", date(2026, 6, 1)), ("packed", date(2026, 6, 2))], stamps=2)
    owner = batch.stall.owner
    harvested, packed = batch.events
    # Before any scan the seller may still fix mistakes.
    trace.update_event(owner, batch.id, packed.id, {"note": "đóng hộp 5 kg"})
    code = next(iter(_codes(make, batch)))
    assert "Tem chính hãng" in client.get(f"/t/{code}").get_data(as_text=True)
    login(client, owner)
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien/{harvested.id}/xoa")
    assert r.status_code == 409
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/sua", data={"code": batch.code, "place": "Nơi khác"})
    assert r.status_code == 302 or "không sửa được" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Batch, batch.id).place != "Nơi khác"
    with client.application.test_request_context(), pytest.raises(Conflict):
        trace.update_event(owner, batch.id, harvested.id, {"note": "sửa lén"})
    db.session.rollback()
    # Even a direct ORM change is refused.
    event = db.session.get(TraceEvent, harvested.id)
    event.note = "sửa lén"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    # A correction is a new event that points at the old one; both stay visible.
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien", data={
        "kind": "harvested", "happened_on": "2026-06-03", "note": "Ngày thu hoạch đúng là 3/6",
        "corrects_id": str(harvested.id)})
    assert r.status_code == 302
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "đã được đính chính" in page and "Ngày thu hoạch đúng là 3/6" in page and "harvested note" in page


def test_correction_must_reference_an_event_of_the_same_batch(app, make):
    first = make.batch(events=[("harvested", date(2026, 6, 1))])
    second = make.batch(make.product(stall_obj=first.stall, name="Nhãn"))
    with app.test_request_context(), pytest.raises(ValidationError) as err:
        trace.add_event(first.stall.owner, second.id, {"kind": "other", "happened_on": date(2026, 6, 2)},
                        corrects_id=first.events[0].id)
    assert "corrects_id" in err.value.fields


def test_batch_with_stamps_cannot_be_deleted_or_renamed(client, make):
    batch = make.batch(code="L1", stamps=1)
    login(client, batch.stall.owner)
    assert client.post(f"/gian-hang-cua-toi/lo/{batch.id}/xoa").status_code == 409
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/sua", data={"code": "L9"})
    assert "không đổi được mã lô" in r.get_data(as_text=True)
    empty = make.batch(batch.product, code="L2")
    assert client.post(f"/gian-hang-cua-toi/lo/{empty.id}/xoa").status_code == 302
    assert db.session.get(Batch, empty.id) is None


def test_issue_stamps_continues_serials(client, make):
    batch = make.batch(stamps=3)
    login(client, batch.stall.owner)
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/tem", data={"count": "2"})
    assert r.status_code == 302
    assert sorted(_codes(make, batch, serials=True)) == [1, 2, 3, 4, 5]
    assert client.post(f"/gian-hang-cua-toi/lo/{batch.id}/tem", data={"count": "0"}).status_code == 422
    assert client.post(f"/gian-hang-cua-toi/lo/{batch.id}/tem", data={"count": "x"}).status_code == 422


def _codes(make, batch, serials=False):
    codes = make.stamp_codes(batch)
    return list(codes) if serials else list(codes.values())


# ---- authorization ---------------------------------------------------------------------------

def _owner_routes(batch):
    base = f"/gian-hang-cua-toi/lo/{batch.id}"
    event_id = batch.events[0].id
    return [
        ("get", f"/gian-hang-cua-toi/san-pham/{batch.product_id}/lo-moi", None),
        ("post", f"/gian-hang-cua-toi/san-pham/{batch.product_id}/lo-moi", {"code": "X1"}),
        ("get", base, None),
        ("get", base + "/sua", None),
        ("post", base + "/sua", {"code": "X2"}),
        ("get", base + "/su-kien", None),
        ("post", base + "/su-kien", {"kind": "other", "happened_on": "2026-06-01"}),
        ("post", base + f"/su-kien/{event_id}/xoa", None),
        ("post", base + "/tem", {"count": "5"}),
        ("get", base + "/tem.pdf", None),
        ("get", base + "/tem/1.png", None),
        ("post", base + "/xoa", None),
    ]


def test_other_seller_gets_404_on_every_owner_route(client, make):
    batch = make.batch(events=[("harvested", date(2026, 6, 1))], stamps=1)
    intruder = make.stall(owner=make.user(name="Hộ khác")).owner
    login(client, intruder)
    for method, url, data in _owner_routes(batch):
        r = getattr(client, method)(url, data=data)
        assert r.status_code == 404, (method, url, r.status_code)
    db.session.expire_all()
    fresh = db.session.get(Batch, batch.id)
    assert fresh.stamp_count == 1 and len(fresh.events) == 1 and fresh.code == batch.code


def test_anonymous_is_sent_to_login_on_every_owner_route(client, make):
    batch = make.batch(events=[("harvested", date(2026, 6, 1))], stamps=1)
    for method, url, data in _owner_routes(batch) + [("get", "/gian-hang-cua-toi/lo", None)]:
        r = getattr(client, method)(url, data=data)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], (method, url)


def test_user_without_stall_gets_404_on_batch_list(client, make):
    login(client, make.user())
    assert client.get("/gian-hang-cua-toi/lo").status_code == 404


def test_anyone_reads_the_trace_page(client, make):
    batch = make.batch(stamps=1)
    code = _codes(make, batch)[0]
    assert client.get(f"/t/{code}").status_code == 200
    login(client, make.user(name="Người mua"))
    assert "Tem chính hãng" in client.get(f"/t/{code}").get_data(as_text=True)


def test_seller_batch_list_filters_by_product(client, make):
    product = make.product(name="Vải thiều")
    other = make.product(stall_obj=product.stall, name="Nhãn lồng")
    make.batch(product, code="VAI-1")
    make.batch(other, code="NHAN-1")
    login(client, product.stall.owner)
    text = client.get(f"/gian-hang-cua-toi/lo?san_pham={other.id}").get_data(as_text=True)
    assert "NHAN-1" in text and "VAI-1" not in text


def test_concurrent_stamp_issues_never_share_a_serial(app, make):
    import threading

    batch = make.batch()
    owner_id, batch_id = batch.stall.owner_id, batch.id
    barrier, errors, ranges = threading.Barrier(6), [], []

    def issue():
        try:
            with app.test_request_context():
                from marketplace.accounts.models import User

                owner = db.session.get(User, owner_id)
                barrier.wait()
                ranges.append(trace.issue_stamps(owner, batch_id, 50))
                db.session.remove()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(ranges) == [(1 + 50 * i, 50 * (i + 1)) for i in range(6)]
    db.session.expire_all()
    assert db.session.get(Batch, batch_id).stamp_count == 300
    assert sorted(make.stamp_codes(batch)) == list(range(1, 301))


def test_edit_batch_chooses_certifications_and_ocop(client, make):
    from marketplace.catalog.models import Certification

    product = make.product(ocop_stars=3, ocop_decision="QĐ 7/UBND")
    cert = Certification(product=product, kind="vietgap", number="VG-77")
    db.session.add(cert)
    db.session.commit()
    batch = make.batch(product, code="L1", stamps=1)
    code = make.stamp_codes(batch)[1]
    login(client, product.stall.owner)
    form = client.get(f"/gian-hang-cua-toi/lo/{batch.id}/sua").get_data(as_text=True)
    assert "VIETGAP VG-77" in form and "Hiển thị OCOP" in form and 'value="L1"' in form
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/sua", data={
        "code": "L1", "harvested_on": "2026-06-01", "certification_ids": [str(cert.id)], "quantity": "12,5"})
    assert r.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(Batch, batch.id)
    assert fresh.certification_ids == [cert.id] and fresh.show_ocop is False and fresh.quantity_milli == 12_500
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "VG-77" in page and "QĐ 7/UBND" not in page


def test_out_of_range_numbers_are_refused_not_crashed(client, make):
    batch = make.batch(stamps=1)
    login(client, batch.stall.owner)
    huge = "99999999999999999999"
    for url in (f"/gian-hang-cua-toi/lo/{huge}", f"/gian-hang-cua-toi/lo/{batch.id}/tem/{huge}.png",
                f"/gian-hang-cua-toi/san-pham/{huge}/lo-moi"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/gian-hang-cua-toi/lo?san_pham={huge}").status_code == 200
    assert client.get(f"/gian-hang-cua-toi/lo/{batch.id}/tem.pdf?first={huge}").status_code == 422
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/sua", data={"code": batch.code, "quantity": huge})
    assert r.status_code == 200 and "không quá 1 triệu đơn vị" in r.get_data(as_text=True)
    r = client.post(f"/gian-hang-cua-toi/lo/{batch.id}/su-kien", data={
        "kind": "other", "happened_on": "2026-06-01", "corrects_id": huge, "preharvest_days": huge})
    assert r.status_code == 200
    assert client.get(f"/01/08938500000010/10/{'A' * 500}/21/{huge}").status_code == 200
