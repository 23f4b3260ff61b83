"""Payment providers behind one small interface: create the payment (instructions / QR for the
buyer) and, for providers that notify us, parse and verify a notification. VietQR and COD live
here; e-wallet and card gateways are added as further modules registering the same way."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..orders import methods
from ..orders import status as st
from ..stalls.banks import bank_name
from . import vietqr


@dataclass
class Notification:
    """A verified incoming payment as every bank-webhook provider reports it."""

    provider: str
    event_id: str  # the bank/provider transaction id: applied at most once
    amount: int
    account: str  # receiving account number
    content: str  # the transfer content (memo) as the bank delivered it
    incoming: bool = True
    payload: dict | None = None


class VietQR:
    code = "vietqr"
    label = _l("Chuyển khoản VietQR")
    initial_status = st.PENDING_PAYMENT
    expires = True

    def available_for(self, stall) -> bool:
        return bool(stall.bank_bin and stall.bank_account)

    def instructions(self, stall_order) -> dict:
        stall = stall_order.stall
        return {
            "method": self.code,
            "bank_bin": stall.bank_bin,
            "bank_name": bank_name(stall.bank_bin),
            "account": stall.bank_account,
            "holder": stall.bank_holder,
            "amount": stall_order.total,
            "content": stall_order.code,
            "qr_payload": vietqr.payload(stall.bank_bin, stall.bank_account, stall_order.total, stall_order.code),
            "expires_at": stall_order.expires_at.isoformat() + "Z" if stall_order.expires_at else None,
        }


class CashOnDelivery:
    code = "cod"
    label = _l("Trả tiền mặt khi nhận hàng (COD)")
    initial_status = st.PLACED
    expires = False

    def available_for(self, stall) -> bool:
        return bool(stall.accepts_cod)

    def instructions(self, stall_order) -> dict:
        return {"method": self.code, "amount": stall_order.total}


VIETQR = methods.register(VietQR())
COD = methods.register(CashOnDelivery())
