"""Sign-up, login, logout, password change, rate limit and session safety."""
import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.conftest import login


def register(client, **over):
    data = {"name": "Lê Thị Hoa", "phone": "0912 345 678", "password": "matkhau123", "confirm": "matkhau123"}
    data.update(over)
    return client.post("/dang-ky", data=data)


def test_signup_stores_e164_and_a_modern_hash(client):
    r = register(client)
    assert r.status_code == 302
    user = db.session.scalar(select(User))
    assert user.phone == "+84912345678"
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and "matkhau123" not in user.password_hash
    assert "Lê Thị Hoa" in client.get("/").get_data(as_text=True)


def test_signup_errors_are_vietnamese_and_keep_input(client, make):
    make.user(phone="+84912345678")
    r = register(client, name="Lê <b>Hoa</b>", phone="0912345678", confirm="khac")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Số điện thoại này đã có tài khoản" in html or "Hai mật khẩu không giống nhau" in html
    assert 'value="Lê &lt;b&gt;Hoa&lt;/b&gt;"' in html
    r = register(client, phone="12345")
    assert "Số điện thoại không hợp lệ" in r.get_data(as_text=True)


def test_duplicate_phone_typed_differently_is_refused(client, make):
    make.user(phone="+84912345678")
    r = register(client, phone="+84 912 345 678")
    assert "Số điện thoại này đã có tài khoản" in r.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_login_with_any_phone_format_and_logout(client, make):
    make.user(phone="+84912345678", name="Phạm Văn Đông")
    r = client.post("/dang-nhap", data={"phone": "0912 345 678", "password": make.PASSWORD})
    assert r.status_code == 302
    assert "Phạm Văn Đông" in client.get("/").get_data(as_text=True)
    client.post("/dang-xuat")
    assert client.get("/tai-khoan").status_code == 302


def test_wrong_password_says_so_without_telling_which(client, make):
    make.user(phone="+84912345678")
    for phone, password in (("0912345678", "sai-mat-khau"), ("0987654321", make.PASSWORD)):
        html = client.post("/dang-nhap", data={"phone": phone, "password": password}).get_data(as_text=True)
        assert "Số điện thoại hoặc mật khẩu không đúng" in html


def test_login_is_rate_limited(client, make):
    make.user(phone="+84912345678")
    statuses = [client.post("/dang-nhap", data={"phone": "0912345678", "password": "x"}).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429
    assert "quá nhanh" in client.post("/dang-nhap", data={"phone": "0912345678", "password": "x"}).get_data(as_text=True)


def test_session_is_renewed_at_login_and_the_guest_cart_survives(client, make):
    from marketplace.orders import cart

    user = make.user(phone="+84912345678")
    lychee = make.product()
    with client.session_transaction() as session:
        session["planted"] = "attacker"
        session["cart"] = {str(lychee.id): 2000}
    client.post("/dang-nhap", data={"phone": "0912345678", "password": make.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
    assert [(line.product.id, line.quantity_milli) for line in cart.lines(user, {})] == [(lychee.id, 2000)]


def test_change_password_ends_other_sessions(app, make):
    user = make.user(phone="+84912345678")
    phone_a, phone_b = app.test_client(), app.test_client()
    login(phone_a, user)
    login(phone_b, user)
    r = phone_a.post("/tai-khoan", data={"current_password": make.PASSWORD, "new_password": "matkhaumoi1",
                                         "confirm": "matkhaumoi1"})
    assert r.status_code == 302
    assert phone_a.get("/tai-khoan").status_code == 200
    assert phone_b.get("/tai-khoan").status_code == 302  # the other phone is logged out
    assert db.session.get(User, user.id).check_password("matkhaumoi1")


def test_change_password_wrong_current(client, make):
    user = make.user()
    login(client, user)
    r = client.post("/tai-khoan", data={"current_password": "sai", "new_password": "matkhaumoi1", "confirm": "matkhaumoi1"})
    assert "Mật khẩu hiện tại không đúng" in r.get_data(as_text=True)


def test_open_redirect_is_refused_after_login(client, make):
    make.user(phone="+84912345678")
    r = client.post("/dang-nhap?next=//evil.example/x", data={"phone": "0912345678", "password": make.PASSWORD})
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("payload", ["", "x" * 100_000, "<script>alert(1)</script>", "😀" * 50, "\x00"])
def test_odd_input_never_500s(client, payload):
    for url in ("/dang-ky", "/dang-nhap"):
        r = client.post(url, data={"name": payload, "phone": payload, "password": payload, "confirm": payload})
        assert r.status_code in (200, 302, 400, 413)
