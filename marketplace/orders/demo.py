"""Demo orders for `flask seed-demo`, placed through the real services.

seed_demo(created) expects what the demo loader made:
    {"products": [Product, ...],           # approved, in stock, on approved stalls
     "stalls": [Stall, ...],
     "users": {"buyer": User, ...}}        # "buyer" is used when present, else a demo buyer is made
It places: an order over two stalls (VietQR paid by a simulated bank notification + COD confirmed
and packed, ready for its shipment: marketplace/shipping/demo.py sends and delivers it),
a VietQR order waiting for payment, and a guest VietQR order that expired. Returns their codes.
"""
from datetime import timedelta

from sqlalchemy import update

from ..accounts.models import User
from ..core.timeutil import utcnow
from ..extensions import db
from . import cart, fulfilment, services
from . import status as st
from .models import StallOrder


def _delivery(stall, name="Phạm Thị Mua", phone="0912 000 111") -> dict:
    return {"name": name, "phone": phone, "province_code": stall.commune.province_code,
            "ward_code": stall.commune.ward_code, "address_line": "Số 8, thôn Đông", "note": ""}


def _buyer(created: dict) -> User:
    buyer = (created.get("users") or {}).get("buyer")
    if buyer is None:
        buyer = db.session.query(User).filter_by(phone="+84912000111").one_or_none()
    if buyer is None:
        buyer = User(phone="+84912000111", name="Phạm Thị Mua")
        buyer.set_password("matkhau123")
        db.session.add(buyer)
        db.session.commit()
    return buyer


def _place(buyer, products, methods=None, **delivery):
    session_cart = {}
    for product in products:
        cart.set_quantity(buyer, session_cart, product.id, product.min_milli)
    return services.place_order(buyer, session_cart, _delivery(products[0].stall, **delivery), methods or {})


def seed_demo(created: dict) -> dict:
    from ..payments.providers import Notification
    from ..payments.services import apply_notification

    products = [p for p in created.get("products", []) if p.is_visible and p.in_stock]
    by_stall = {}
    for p in products:
        by_stall.setdefault(p.stall_id, p)
    if len(by_stall) < 1:
        return {}
    picks = list(by_stall.values())
    buyer = _buyer(created)
    codes = {}

    # Two stalls in one order: VietQR paid by the bank notification, COD confirmed and packed.
    first, second = picks[0], picks[1] if len(picks) > 1 else None
    methods = {second.stall_id: "cod"} if second is not None and second.stall.accepts_cod else {}
    order = _place(buyer, [first] + ([second] if second is not None else []), methods)
    codes["mixed"] = order.code
    for so in order.stall_orders:
        if so.payment_method == "vietqr":
            apply_notification(Notification(provider="sepay", event_id=f"demo-{so.code}", amount=so.total,
                                            account=so.stall.bank_account, content=f"{so.code} thanh toan"))
        else:
            for action in ("confirm", "pack"):
                fulfilment.seller_action(so.stall.owner, so.code, action)

    # Waiting for the transfer: shows the QR.
    codes["waiting"] = _place(buyer, [picks[-1]]).code

    # A guest who never paid: expired, stock returned.
    expired = _place(None, [first], name="Khách vãng lai", phone="0987 000 222")
    ids = [so.id for so in expired.stall_orders]
    db.session.execute(update(StallOrder).where(StallOrder.id.in_(ids)).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    st.expire_overdue(ids=ids)
    codes["expired"] = expired.code
    return codes
