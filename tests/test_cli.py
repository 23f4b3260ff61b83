"""`flask create-admin` and `flask assign-officer`, as an operator runs them after deploying."""
from marketplace.accounts.services import find_by_phone
from marketplace.extensions import db


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_admin_makes_an_account_that_logs_in(app, client):
    result = _run(app, "create-admin", "--phone", "0912 345 678", "--name", "Quản trị tỉnh", "--password", "matkhau-rat-dai")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = find_by_phone("+84912345678")
    assert user.is_admin and user.name == "Quản trị tỉnh"
    response = client.post("/dang-nhap", data={"phone": "0912345678", "password": "matkhau-rat-dai"})
    assert response.status_code == 302


def test_create_admin_promotes_an_existing_account_without_changing_its_password(app, make):
    user = make.user(phone="+84912000111")
    result = _run(app, "create-admin", "--phone", "0912 000 111", "--name", "x", "--password", "khac-mat-khau")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert user.is_admin and user.check_password(make.PASSWORD)


def test_create_admin_refuses_a_bad_phone_or_short_password(app):
    assert _run(app, "create-admin", "--phone", "12345", "--name", "x", "--password", "matkhau123").exit_code == 1
    assert _run(app, "create-admin", "--phone", "0912 345 679", "--name", "x", "--password", "ngan").exit_code == 1
    assert find_by_phone("0912 345 679") is None


def test_assign_officer_needs_an_admin_and_a_commune(app, make):
    commune = make.commune("Yên Mô")
    officer = make.user(phone="+84912000222")
    assert _run(app, "assign-officer", "0912000222", commune.slug).exit_code == 1  # no admin yet
    make.user(admin=True)
    result = _run(app, "assign-officer", "0912000222", commune.slug)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert officer.commune_ids == {commune.id}
    assert _run(app, "assign-officer", "0912000222", "khong-co-xa-nay").exit_code == 1
