"""What the platform owes each stall (sổ đối soát), as an append-only ledger.

- A gateway-paid stall order, once delivered: + (total − platform commission). The platform
  collected the money, so it owes it.
- A VietQR or COD stall order, once delivered: the buyer paid the seller directly, so the entry
  carries the order money in `gross` and only the commission the seller owes (− commission).
- A refund after delivery: a reversing entry in proportion to the original one (never an edit).
- A payout (bank transfer by the admin): − amount, with the bank's transfer reference.

The balance is the sum of `amount`; the listener below reacts to the order state machine's
signal, so orders holds no ledger rules."""
import csv
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.ids import as_id
from ..core import audit
from ..core.errors import NotFound, ValidationError, deny
from ..core.text import nfc
from ..extensions import db
from ..orders import status as st
from ..orders.models import StallOrder
from ..stalls.banks import bank_name
from ..stalls.models import Stall
from . import gateway
from .models import LedgerEntry

GATEWAY_SALE, DIRECT_SALE, REFUND, PAYOUT = "gateway_sale", "direct_sale", "refund", "payout"
SALES = (GATEWAY_SALE, DIRECT_SALE)
MAX_PAYOUT = 2_000_000_000


def commission_percent() -> Decimal:
    try:
        value = Decimal(str(current_app.config.get("PLATFORM_COMMISSION_PERCENT", "0") or "0"))
    except InvalidOperation:
        return Decimal(0)
    return value if 0 <= value <= 100 else Decimal(0)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def commission(amount: int) -> int:
    return _round(Decimal(amount) * commission_percent() / 100)


@st.status_changed.connect
def _on_status_changed(stall_order, old, new, actor=None, note=""):
    if new == st.DELIVERED:
        record_sale(stall_order)


def record_sale(stall_order: StallOrder) -> LedgerEntry:
    """The delivered stall order's entry, in the current transaction (set_status sends the signal
    once per real change, so one entry per stall order)."""
    total, fee = stall_order.total, commission(stall_order.total)
    if gateway.is_gateway(stall_order.payment_method):
        entry = LedgerEntry(kind=GATEWAY_SALE, amount=total - fee, gross=total)
    else:
        entry = LedgerEntry(kind=DIRECT_SALE, amount=-fee, gross=total)
    entry.stall_id, entry.stall_order_id, entry.reference = stall_order.stall_id, stall_order.id, stall_order.code
    db.session.add(entry)
    return entry


def reverse_for_refund(stall_order: StallOrder, amount: int, reference: str, actor=None) -> LedgerEntry | None:
    """A refund of `amount` after delivery: reverse that share of the stall order's sale entry
    (the gateway credit, or the commission owed on a direct payment). None when nothing was
    credited (refund before delivery)."""
    sale = db.session.scalar(select(LedgerEntry).where(LedgerEntry.stall_order_id == stall_order.id,
                                                       LedgerEntry.kind.in_(SALES)).order_by(LedgerEntry.id))
    if sale is None or not sale.gross:
        return None
    share = _round(Decimal(sale.amount) * amount / sale.gross)
    entry = LedgerEntry(stall_id=stall_order.stall_id, stall_order_id=stall_order.id, kind=REFUND, amount=-share,
                        gross=-amount, reference=reference[:80], actor_id=getattr(actor, "id", None))
    db.session.add(entry)
    return entry


def balance(stall_id: int) -> int:
    """What the platform owes the stall now: the sum of its entries (negative: the stall owes)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                                 .where(LedgerEntry.stall_id == stall_id)) or 0)


def entries(stall_id: int):
    """The stall's entries, newest first (a query, for pagination)."""
    return select(LedgerEntry).where(LedgerEntry.stall_id == stall_id).order_by(LedgerEntry.created_at.desc(),
                                                                                LedgerEntry.id.desc())


def balances(actor) -> list[tuple[Stall, int]]:
    """Every stall with ledger entries and what it is owed (admin only), largest first."""
    _require_admin(actor, "ledger.balances")
    rows = db.session.execute(select(Stall, func.sum(LedgerEntry.amount).label("owed"))
                              .join(LedgerEntry, LedgerEntry.stall_id == Stall.id)
                              .group_by(Stall.id).order_by(func.sum(LedgerEntry.amount).desc(), Stall.id))
    return [(stall, int(owed)) for stall, owed in rows]


def record_payout(actor, stall_id: int, amount: int, reference: str) -> LedgerEntry:
    """The admin paid a stall by bank transfer: one negative entry with the bank's reference,
    at most what the stall is owed (checked under the write lock, so two payouts cannot
    overdraw it). Audited."""
    _require_admin(actor, "ledger.payout")
    if not isinstance(stall_id, int) or as_id(stall_id) is None:
        raise NotFound(_l("Không tìm thấy gian hàng."))
    reference = nfc(reference)[:80]
    errors = {}
    if not reference:
        errors["reference"] = _l("Nhập mã giao dịch chuyển khoản của ngân hàng.")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_PAYOUT:
        errors["amount"] = _l("Số tiền không hợp lệ.")
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại khoản chi trả."), errors)
    st.write_transaction()
    try:
        stall = db.session.scalar(select(Stall).where(Stall.id == stall_id).with_for_update())
        if stall is None:
            raise NotFound(_l("Không tìm thấy gian hàng."))
        owed = balance(stall.id)
        if amount > owed:
            message = _l("Gian hàng chỉ còn được nhận %(owed)s.", owed=f"{owed:,}".replace(",", ".") + " ₫")
            raise ValidationError(message, {"amount": message})
        entry = LedgerEntry(stall_id=stall.id, kind=PAYOUT, amount=-amount, gross=0, reference=reference,
                            actor_id=actor.id)
        db.session.add(entry)
        db.session.flush()
        audit.record(actor, "ledger.payout", stall, commune_id=stall.commune_id, reason=reference,
                     data={"amount": amount, "entry_id": entry.id})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return entry


def owed_csv(actor) -> str:
    """The bank's batch file: one row per stall owed money, with its bank (BIN), account and holder."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["stall_id", "stall", "bank_bin", "bank", "account", "holder", "amount_vnd", "content"])
    for stall, owed in balances(actor):
        if owed > 0:
            writer.writerow([stall.id, stall.name, stall.bank_bin, bank_name(stall.bank_bin) or "", stall.bank_account,
                             stall.bank_holder, owed, f"CHO XA THANH TOAN GIAN HANG {stall.id}"])
    return out.getvalue()


def payouts_csv(actor) -> str:
    """Payouts recorded so far, for reconciliation with the bank statement."""
    _require_admin(actor, "ledger.export")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date_utc", "stall_id", "stall", "bank_bin", "account", "holder", "amount_vnd", "reference"])
    rows = db.session.execute(select(LedgerEntry, Stall).join(Stall, Stall.id == LedgerEntry.stall_id)
                              .where(LedgerEntry.kind == PAYOUT).order_by(LedgerEntry.created_at, LedgerEntry.id))
    for entry, stall in rows:
        writer.writerow([entry.created_at.isoformat(timespec="seconds"), stall.id, stall.name, stall.bank_bin,
                         stall.bank_account, stall.bank_holder, -entry.amount, entry.reference])
    return out.getvalue()


def _require_admin(actor, action: str) -> None:
    if not getattr(actor, "is_admin", False):
        raise deny(actor, action, None)
