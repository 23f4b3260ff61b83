from tests.conftest import login


def test_home_and_health(client, make):
    make.product()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_register_login(client, make):
    r = client.post("/dang-ky", data={"name": "Lê Văn C", "phone": "0912 345 678", "password": "matkhau123", "confirm": "matkhau123"})
    assert r.status_code == 302
