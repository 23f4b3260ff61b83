"""The product export read back as a spreadsheet would: every product not deleted with its
state, in both languages, and CSV written in pieces that join into the same file."""
import csv
import io

import pytest

from marketplace.admin import exports
from marketplace.core.timeutil import utcnow
from marketplace.stalls.models import StallStatus
from tests.conftest import login

HEADERS = ["Mã", "Sản phẩm", "Gian hàng", "Xã", "Danh mục", "Đơn vị", "Giá (VND)", "Tồn kho", "Trạng thái",
           "Đang bán", "OCOP (sao)"]


@pytest.fixture
def catalogue(make):
    """Commune X: stall "A Vườn" with products in every state, suspended stall "B Tạm ngừng";
    commune Y: stall "Gạo C". Names sort the same under any collation."""
    x = make.commune()
    y = make.commune("Yên Mô", villages=())
    a = make.stall(commune_obj=x, name="A Vườn")
    b = make.stall(commune_obj=x, name="B Tạm ngừng", status=StallStatus.SUSPENDED)
    c = make.stall(commune_obj=y, name="Gạo C")
    p = {
        "officer": make.product(a, name="Bưởi bị xã ẩn", price=60000, officer_hidden=True),
        "pending": make.product(a, name="Chè chờ duyệt", price=120000, status="pending", category_name="Chè"),
        "honey": make.product(a, name="Mật ong rừng", price=100000, unit="chai", stock_milli=12_000,
                              category_name="Mật ong", ocop_stars=4),
        "hidden": make.product(a, name="Nhãn ẩn", price=30000, hidden=True),
        "lychee": make.product(a, name="Vải thiều", price=45000, stock_milli=2_500),
        "deleted": make.product(a, name="Xoài đã xóa", deleted_at=utcnow()),
        "closed": make.product(b, name="Không hiện", price=50000),
        "rice": make.product(c, name="Gạo tám", price=25000, stock_milli=1_250_000, category_name="Gạo"),
    }
    return {"x": x, "y": y, "a": a, "b": b, "c": c, **p}


def _csv(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))


def test_product_export_lists_every_product_with_its_state(client, make, catalogue):
    d = catalogue
    x, y = d["x"].name, d["y"].name
    login(client, make.user(admin=True))
    rows = _csv(client, "/quan-ly/so-lieu/xuat/san-pham.csv")
    assert rows[0] == HEADERS
    assert rows[1:] == [
        [str(d["officer"].id), "Bưởi bị xã ẩn", "A Vườn", x, "Trái cây", "kg", "60000", "100", "Đã duyệt", "Không", ""],
        [str(d["pending"].id), "Chè chờ duyệt", "A Vườn", x, "Chè", "kg", "120000", "100", "Chờ duyệt", "Không", ""],
        [str(d["honey"].id), "Mật ong rừng", "A Vườn", x, "Mật ong", "chai", "100000", "12", "Đã duyệt", "Có", "4"],
        [str(d["hidden"].id), "Nhãn ẩn", "A Vườn", x, "Trái cây", "kg", "30000", "100", "Đã duyệt", "Không", ""],
        [str(d["lychee"].id), "Vải thiều", "A Vườn", x, "Trái cây", "kg", "45000", "2,5", "Đã duyệt", "Có", ""],
        [str(d["closed"].id), "Không hiện", "B Tạm ngừng", x, "Trái cây", "kg", "50000", "100", "Đã duyệt", "Không",
         ""],
        [str(d["rice"].id), "Gạo tám", "Gạo C", y, "Gạo", "kg", "25000", "1250", "Đã duyệt", "Có", ""],
    ]
    # An officer's file holds their commune only.
    login(client, make.officer(d["x"]))
    own = _csv(client, f"/quan-ly/so-lieu/xuat/san-pham.csv?xa={d['x'].id}")
    assert [r[1] for r in own[1:]] == ["Bưởi bị xã ẩn", "Chè chờ duyệt", "Mật ong rừng", "Nhãn ẩn", "Vải thiều",
                                       "Không hiện"]


def test_product_export_in_english(client, make, catalogue):
    login(client, make.user(admin=True))
    rows = _csv(client, "/quan-ly/so-lieu/xuat/san-pham.csv?lang=en")
    assert rows[0][:2] == ["ID", "Product"] and rows[0][9] == "On sale"
    honey = next(r for r in rows if r[1] == "Mật ong rừng")
    pending = next(r for r in rows if r[1] == "Chè chờ duyệt")
    assert (honey[5], honey[8], honey[9]) == ("bottle", "Approved", "Yes")
    assert (pending[8], pending[9]) == ("Pending review", "No")


def test_product_export_as_xlsx_has_the_same_rows(client, make, catalogue):
    import openpyxl

    login(client, make.user(admin=True))
    rows = _csv(client, "/quan-ly/so-lieu/xuat/san-pham.csv")
    r = client.get("/quan-ly/so-lieu/xuat/san-pham.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.get_data())).active
    assert [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)] == rows


def _one_piece(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_csv_pieces_join_into_one_file(app, monkeypatch):
    monkeypatch.setattr(exports, "CSV_ROWS_PER_PIECE", 2)
    headers = ["Mã", "Tên"]
    rows = [[1, "Vải, loại 1"], [2, 'Mật ong "rừng"'], [3, "hai\ndòng"], [4, "Chè"], [5, ""]]
    pieces = list(exports.to_csv(headers, iter(rows)))
    assert len(pieces) == 3  # 2 + 2 + 1 rows
    assert b"".join(pieces) == _one_piece(headers, rows)
    assert pieces[0].startswith("\ufeffMã,Tên\r\n".encode())
    assert list(exports.to_csv(headers, [])) == [_one_piece(headers, [])]
