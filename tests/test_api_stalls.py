"""The seller's own stall through the API: open, read, fix and resubmit; and who may not."""
import pytest

from marketplace.extensions import db
from marketplace.stalls.models import Stall, StallStatus


@pytest.fixture
def stall_data(make):
    commune = make.commune()
    return {
        "name": "Vườn vải nhà Tiệp", "household_name": "Nguyễn Văn Tiệp", "id_number": "024 090 001 234",
        "phone": "0912 345 678", "commune_id": commune.id, "village_id": commune.villages[0].id,
        "address_line": "Thôn Đồng", "story": "Ba đời trồng vải.", "bank_bin": "970405",
        "bank_account": "1500 2051 23456", "bank_holder": "Nguyễn Văn Tiệp", "accepts_cod": False,
        "owner_id": 1, "status": "approved",  # unknown/forbidden keys are ignored
    }


def test_open_stall_waits_for_review_and_hides_the_cccd(client, make, stall_data):
    user = make.user()
    r = client.post("/api/v1/stalls", json=stall_data, headers=make.bearer(user))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "pending" and body["accepts_cod"] is False
    assert body["bank"]["holder"] == "NGUYEN VAN TIEP" and body["bank"]["account"] == "150020512345" + "6"
    assert body["id_number_masked"].endswith("1234") and "024090001234" not in r.get_data(as_text=True)
    assert body["commune"]["id"] == stall_data["commune_id"] and body["phone"] == "+84912345678"
    stall = db.session.get(Stall, body["id"])
    assert stall.owner_id == user.id and stall.status == StallStatus.PENDING
    mine = client.get("/api/v1/stalls/mine", headers=make.bearer(user)).get_json()
    assert mine["id"] == stall.id and mine["status"] == "pending"
    # The owner sees the pending stall by id; the public does not.
    assert client.get(f"/api/v1/stalls/{stall.id}", headers=make.bearer(user)).status_code == 200
    assert client.get(f"/api/v1/stalls/{stall.id}").status_code == 404


def test_one_stall_per_account(client, make, stall_data):
    headers = make.bearer(make.user())
    assert client.post("/api/v1/stalls", json=stall_data, headers=headers).status_code == 201
    r = client.post("/api/v1/stalls", json=stall_data, headers=headers)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"


def test_open_stall_validation_errors_name_the_fields(client, make, stall_data):
    headers = make.bearer(make.user())
    r = client.post("/api/v1/stalls", json={**stall_data, "name": " ", "id_number": "123",
                                            "bank_account": "12ab"}, headers=headers)
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"name", "id_number", "bank_account"}
    r = client.post("/api/v1/stalls", json={**stall_data, "commune_id": "abc", "accepts_cod": "yes",
                                            "name": ["x"], "village_id": 10**20}, headers=headers)
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"commune_id", "accepts_cod", "name", "village_id"}
    assert db.session.query(Stall).count() == 0


def test_village_of_another_commune_is_refused(client, make, stall_data):
    other = make.commune("Yên Mô", villages=("Thôn Yên",))
    r = client.post("/api/v1/stalls", json={**stall_data, "village_id": other.villages[0].id},
                    headers=make.bearer(make.user()))
    assert r.status_code == 422 and "village_id" in r.get_json()["error"]["fields"]


def test_mine_without_stall_is_404(client, make):
    r = client.get("/api/v1/stalls/mine", headers=make.bearer(make.user()))
    assert r.status_code == 404


def test_patch_own_stall_keeps_approval_for_small_changes(client, make):
    stall = make.stall()
    r = client.patch(f"/api/v1/stalls/{stall.id}", json={"story": "Vải chín sớm."}, headers=make.bearer(stall.owner))
    assert r.status_code == 200 and r.get_json()["story"] == "Vải chín sớm."
    assert r.get_json()["status"] == "approved"


def test_patch_bank_account_sends_stall_back_for_review(client, make):
    stall = make.stall()
    r = client.patch(f"/api/v1/stalls/{stall.id}", json={"bank_account": "999888777666"},
                     headers=make.bearer(stall.owner))
    assert r.status_code == 200 and r.get_json()["status"] == "pending"
    db.session.refresh(stall)
    assert stall.bank_account == "999888777666" and stall.status == StallStatus.PENDING


def test_patch_rejected_stall_resubmits(client, make):
    stall = make.stall(status=StallStatus.REJECTED)
    r = client.patch(f"/api/v1/stalls/{stall.id}", json={"name": "Vườn vải đã sửa"}, headers=make.bearer(stall.owner))
    assert r.get_json()["status"] == "pending"


def test_patch_validation_error_changes_nothing(client, make):
    stall = make.stall()
    r = client.patch(f"/api/v1/stalls/{stall.id}", json={"phone": "123"}, headers=make.bearer(stall.owner))
    assert r.status_code == 422 and "phone" in r.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).phone == stall.phone


@pytest.mark.parametrize("status", [StallStatus.APPROVED, StallStatus.PENDING])
def test_other_seller_cannot_patch_a_stall(client, make, status):
    stall = make.stall(status=status)
    intruder = make.stall(owner=make.user(name="Hộ B")).owner
    r = client.patch(f"/api/v1/stalls/{stall.id}", json={"name": "Của tôi", "bank_account": "111111111"},
                     headers=make.bearer(intruder))
    assert r.status_code in (403, 404) and "error" in r.get_json()
    db.session.expire_all()
    unchanged = db.session.get(Stall, stall.id)
    assert unchanged.name == stall.name and unchanged.bank_account == "1500205123456" and unchanged.status == status


def test_anonymous_and_revoked_tokens_cannot_write(client, make, stall_data):
    stall = make.stall()
    user = make.user()
    headers = make.bearer(user)
    client.delete("/api/v1/auth/token", headers=headers)
    for h in ({}, headers, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        assert client.post("/api/v1/stalls", json=stall_data, headers=h).status_code == 401
        r = client.patch(f"/api/v1/stalls/{stall.id}", json={"name": "x"}, headers=h)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
        assert client.get("/api/v1/stalls/mine", headers=h).status_code == 401
    assert db.session.query(Stall).count() == 1


def test_session_cookie_does_not_authenticate_the_api(client, make, stall_data):
    """The API is exempt from CSRF, so a logged-in browser must not be able to write through it."""
    from tests.conftest import login

    login(client, make.user())
    assert client.post("/api/v1/stalls", json=stall_data).status_code == 401


def test_cover_photo_of_own_stall(client, make):
    import io

    stall = make.stall()
    headers = make.bearer(stall.owner)
    r = client.post(f"/api/v1/stalls/{stall.id}/cover", headers=headers, content_type="multipart/form-data",
                    data={"cover": (io.BytesIO(make.jpeg_bytes()), "bia.jpg")})
    assert r.status_code == 200 and r.get_json()["cover"]["thumb_url"].endswith("_320.jpg")
    assert r.get_json()["status"] == "approved"
    served = client.get(r.get_json()["cover"]["large_url"].replace("http://localhost", ""))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    r = client.post(f"/api/v1/stalls/{stall.id}/cover", headers=headers, content_type="multipart/form-data",
                    data={"cover": (io.BytesIO(b"not an image"), "bia.jpg")})
    assert r.status_code == 422 and "cover" in r.get_json()["error"]["fields"]


def test_other_seller_and_anonymous_cannot_set_a_cover(client, make):
    import io

    stall = make.stall()
    intruder = make.bearer(make.user(name="Hộ B"))
    for headers, statuses in ((intruder, (403, 404)), ({}, (401,))):
        r = client.post(f"/api/v1/stalls/{stall.id}/cover", headers=headers, content_type="multipart/form-data",
                        data={"cover": (io.BytesIO(make.jpeg_bytes()), "bia.jpg")})
        assert r.status_code in statuses
    db.session.expire_all()
    assert db.session.get(Stall, stall.id).cover_key is None
