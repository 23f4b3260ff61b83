from tests.conftest import login
def test_smoke(client, make, app):
    w = make.admin_world()
    r = make.report(w["buyer"], w["product_x"])
    for who in ("officer_x", "admin"):
        login(client, w[who])
        from flask import g; g.pop("_login_user", None)
        for url in ["/quan-ly/duyet", "/quan-ly/bao-cao", f"/quan-ly/bao-cao/{r.id}", "/quan-ly/gian-hang",
                    f"/quan-ly/gian-hang/{w['stall_x'].id}", "/quan-ly/so-lieu", "/quan-ly/so-lieu/bao-cao-thang",
                    "/quan-ly/so-lieu/xuat/so-lieu.csv", "/quan-ly/so-lieu/xuat/don-hang.xlsx",
                    "/quan-ly/so-lieu/xuat/gian-hang.csv", "/quan-ly/so-lieu/xuat/san-pham.xlsx",
                    "/quan-ly/thong-bao", f"/quan-ly/cai-dat-xa/{w['x'].id}", "/quan-ly/nhat-ky?action=report.&who=X&from=2020-01-01&to=2030-01-01",
                    f"/quan-ly/duyet/gian-hang/{w['pending_x'].id}", f"/quan-ly/duyet/san-pham/{w['product_x'].id}"]:
            resp = client.get(url)
            assert resp.status_code == 200, (who, url, resp.status_code, resp.get_data(as_text=True)[-2000:])
    for url in ["/quan-ly/danh-muc", "/quan-ly/ngan-hang", "/quan-ly/thanh-toan", f"/quan-ly/xa/{w['x'].id}"]:
        assert client.get(url).status_code == 200, url
    login(client, w["buyer"]); g.pop("_login_user", None)
    for url in [f"/bao-cao/san-pham/{w['product_y'].id}", f"/bao-cao/gian-hang/{w['stall_y'].id}", "/bao-cao/cua-toi"]:
        assert client.get(url).status_code == 200, url
    login(client, w["seller_x"]); g.pop("_login_user", None)
    assert client.get("/gian-hang-cua-toi").status_code in (200, 404)
