"""Demo data of the admin module for `flask seed-demo`: an announcement from each commune's
officer to its sellers, and a buyer's report about one product waiting in the officers' queue.
Called once by marketplace.demo with the dict described there; returns what it made."""
from . import reports, services

ANNOUNCEMENTS = (
    ("Tập huấn bán hàng trực tuyến", "8 giờ sáng thứ Hai tới tại hội trường UBND xã: chụp ảnh sản phẩm, "
                                      "in tem truy xuất, nhận tiền qua VietQR. Mang theo điện thoại."),
)


def seed_demo(demo: dict) -> dict:
    made = {"announcements": 0, "reports": 0}
    for key, commune in (demo.get("communes") or {}).items():
        officer = (demo.get("officers") or {}).get(key)
        if officer is None:
            continue
        for title, body in ANNOUNCEMENTS:
            services.post_announcement(officer, commune, title, body)
            made["announcements"] += 1
    buyer = (demo.get("users") or {}).get("buyer")
    products = [p for p in demo.get("products") or [] if p.is_visible]
    if buyer is not None and products:
        reports.create_report(buyer, "wrong_price", "Giá trên trang khác giá người bán báo qua điện thoại.",
                              product_id=products[-1].id)
        made["reports"] = 1
    return made
