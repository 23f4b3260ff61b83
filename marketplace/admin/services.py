"""What the admin module reads and does beyond single decisions: the audit log within the
communes the actor manages (filtered), announcements, bulk approval, a seller's history,
communes for the admin, villages in bulk, payment providers' status. Moderation decisions
themselves go through the stalls and catalog services; buyers' reports are in reports.py,
figures in dashboard.py."""
import csv
import io
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from ..core.ids import as_id
from ..accounts.models import User
from ..catalog import services as catalog
from ..catalog.models import Product
from ..communes.models import Commune, OfficerAssignment
from ..communes.services import add_village, managed_commune_ids, require_manage
from ..core import audit
from ..core.audit import AuditEntry
from ..core.errors import Conflict, NotFound, ServiceError, ValidationError, deny
from ..core.text import nfc, nfc_multiline
from ..extensions import db
from ..orders import status as order_status
from ..orders.models import StallOrder
from ..stalls import services as stalls
from ..stalls.models import Stall
from .dashboard import local_midnight
from .models import Announcement, Report, ReportOutcome


def audit_entries(actor, action: str = "", who: str = "", target_type: str = "", target_id: int | None = None,
                  date_from: date | None = None, date_to: date | None = None) -> Select:
    """Audit rows of the actor's communes, newest first; admins see every row, including
    platform-wide ones that belong to no commune. Filters: action (prefix, "stall." finds
    every stall action), who (part of the actor's name or phone), target type and id, and a
    range of local (Asia/Ho_Chi_Minh) days, both ends included."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(AuditEntry.commune_id.in_(ids or [-1]))
    if action:
        query = query.where(AuditEntry.action.startswith(action[:60], autoescape=True))
    if who:
        pattern = f"%{who[:60]}%"
        matches = select(User.id).where(or_(User.name.ilike(pattern), User.phone.ilike(pattern)))
        query = query.where(AuditEntry.actor_id.in_(matches))
    if target_type:
        query = query.where(AuditEntry.target_type == target_type[:40])
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    if date_from:
        query = query.where(AuditEntry.created_at >= local_midnight(date_from))
    if date_to:
        query = query.where(AuditEntry.created_at < local_midnight(date_to + timedelta(days=1)))
    return query


def commune_for_officer(actor, commune_id: int) -> Commune:
    """A commune the actor manages (settings, announcements); NotFound or Forbidden."""
    commune = db.session.get(Commune, commune_id) if as_id(commune_id) else None
    if commune is None:
        raise NotFound(_l("Không tìm thấy xã."))
    require_manage(actor, commune.id, "commune.view", commune)
    return commune


def managed_communes(actor) -> list[Commune]:
    """The communes the actor manages, by name (every commune for an admin)."""
    query = select(Commune).order_by(Commune.province_name, Commune.name)
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Commune.id.in_(ids or [-1]))
    return list(db.session.scalars(query))


def commune_for_admin(actor, commune_id: int) -> Commune:
    """A commune an admin edits; officers are refused (settings are a platform decision)."""
    if not actor.is_admin:
        raise deny(actor, "commune.edit", commune_id)
    commune = db.session.get(Commune, commune_id)
    if commune is None:
        raise NotFound(_l("Không tìm thấy xã."))
    return commune


def actor_names(entries) -> dict[int, str]:
    """Display names of the users who made these audit rows, in one query."""
    ids = {e.actor_id for e in entries if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def officers_of(commune: Commune) -> list[User]:
    """The officers assigned to a commune, by name."""
    query = (select(User).join(OfficerAssignment, OfficerAssignment.user_id == User.id)
             .where(OfficerAssignment.commune_id == commune.id).order_by(User.name))
    return list(db.session.scalars(query))


MAX_VILLAGES_AT_ONCE = 200


def add_villages(actor, commune: Commune, names: list[str]) -> tuple[list[str], list[str]]:
    """Add one village per non-empty name; names the commune already has are skipped, not
    an error, so pasting a whole list twice is harmless. Returns (added, skipped)."""
    added, skipped = [], []
    for name in [n for n in names if n.strip()][:MAX_VILLAGES_AT_ONCE]:
        try:
            added.append(add_village(actor, commune, name).name)
        except Conflict:
            db.session.rollback()
            skipped.append(name.strip())
    return added, skipped


def import_villages_csv(actor, commune: Commune, data: bytes) -> tuple[list[str], list[str]]:
    """Villages from a CSV file (UTF-8, with or without BOM): the first column of every row is a
    name; a header row "Tên thôn"/"name" is skipped. Same rules as add_villages."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_l("Tệp phải là CSV mã hóa UTF-8."), {"file": _l("Tệp phải là CSV mã hóa UTF-8.")})
    rows = [row for row in csv.reader(io.StringIO(content)) if row and row[0].strip()]
    if rows and rows[0][0].strip().lower() in {"tên thôn", "ten thon", "name", "tên", "thôn/ấp"}:
        rows = rows[1:]
    return add_villages(actor, commune, [row[0] for row in rows])


# ---- moderation ------------------------------------------------------------------------------

def bulk_approve(actor, kind: str, ids: list[int]) -> tuple[int, int]:
    """Approve many pending stalls or products at once. Each is checked and decided on its own
    (its own transaction and audit row); items the actor may not manage or that are no longer
    pending are skipped. Returns (approved, skipped)."""
    load, approve = {
        "stall": (stalls.get_for_moderation, stalls.approve_stall),
        "product": (catalog.get_for_moderation, catalog.approve_product),
    }[kind]
    approved = skipped = 0
    for item_id in ids[:200]:
        try:
            approve(actor, load(actor, item_id))
        except ServiceError:
            db.session.rollback()
            skipped += 1
        else:
            approved += 1
    return approved, skipped


def seller_history(stall: Stall) -> dict:
    """What an officer weighs before deciding: the stall's product counts by status, reports
    against it (open and upheld), and its latest audit rows."""
    counts = dict(db.session.execute(
        select(Product.status, func.count()).where(Product.stall_id == stall.id, Product.deleted_at.is_(None))
        .group_by(Product.status)).all())
    reports = dict(db.session.execute(
        select(Report.outcome, func.count()).where(Report.stall_id == stall.id).group_by(Report.outcome)).all())
    product_ids = select(Product.id).where(Product.stall_id == stall.id)
    entries = list(db.session.scalars(
        select(AuditEntry).where(or_(
            (AuditEntry.target_type == "stall") & (AuditEntry.target_id == stall.id),
            (AuditEntry.target_type == "product") & AuditEntry.target_id.in_(product_ids)))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(15)))
    return {"products": counts, "open_reports": reports.pop(None, 0), "report_outcomes": reports,
            "entries": entries, "warnings": reports.get(ReportOutcome.WARN, 0)}


def open_stall_orders(actor, stall: Stall) -> list[StallOrder]:
    """The stall's orders still in progress (not completed, cancelled, expired or refunded):
    what the officer follows up after a suspension."""
    require_manage(actor, stall.commune_id, "stall.orders", stall)
    done = (order_status.COMPLETED, order_status.CANCELLED, order_status.EXPIRED, order_status.REFUNDED)
    return list(db.session.scalars(
        select(StallOrder).where(StallOrder.stall_id == stall.id, StallOrder.status.not_in(done))
        .order_by(StallOrder.created_at)))


# ---- announcements (thông báo) ---------------------------------------------------------------

def post_announcement(actor, commune: Commune, title: str, body: str) -> Announcement:
    """An officer of the commune (or an admin) posts news to its sellers."""
    require_manage(actor, commune.id, "announcement.post", commune)
    title, body = nfc(title)[:160], nfc_multiline(body)[:4000]
    if not title:
        raise ValidationError(_l("Nhập tiêu đề."), {"title": _l("Nhập tiêu đề.")})
    item = Announcement(commune_id=commune.id, author_id=actor.id, title=title, body=body)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "announcement.post", item, commune_id=commune.id, data={"title": title})
    db.session.commit()
    return item


def announcements(commune_id: int | None, limit: int = 5) -> list[Announcement]:
    """The commune's latest announcements, newest first (public: shown on the commune page)."""
    if not commune_id:
        return []
    return list(db.session.scalars(select(Announcement).where(Announcement.commune_id == commune_id)
                                   .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)))


def delete_announcement(actor, announcement_id: int) -> None:
    """Take an announcement down (an outdated market day); audited with its text."""
    item = db.session.get(Announcement, announcement_id)
    if item is None:
        raise NotFound(_l("Không tìm thấy thông báo."))
    require_manage(actor, item.commune_id, "announcement.delete", item)
    audit.record(actor, "announcement.delete", item, commune_id=item.commune_id,
                 data={"before": {"title": item.title, "body": item.body}})
    db.session.delete(item)
    db.session.commit()


# ---- platform ----------------------------------------------------------------------------------

GATEWAY_PREFIXES = (("VNPAY", "VNPay"), ("MOMO", "MoMo"), ("ZALOPAY", "ZaloPay"), ("STRIPE", "Stripe (thẻ)"))


def payment_providers(config) -> list[dict]:
    """Which payment providers this install can use, from its configuration: the names of the
    settings each needs and whether they are set. Values (secrets) are never returned."""
    rows = [
        {"name": "VietQR", "keys": [], "configured": True, "note": _l("Mỗi gian hàng nhận tiền vào tài khoản của mình.")},
        {"name": "COD", "keys": [], "configured": True, "note": _l("Tiền mặt khi nhận hàng; gian hàng tự bật/tắt.")},
        _provider(config, "SePay", ["SEPAY_API_KEY"], _l("Webhook chuyển khoản ngân hàng")),
        _provider(config, "Casso", ["CASSO_CHECKSUM_KEY"], _l("Webhook chuyển khoản ngân hàng")),
    ]
    for prefix, name in GATEWAY_PREFIXES:
        keys = sorted(k for k in config if k.startswith(prefix + "_"))
        if keys:
            rows.append(_provider(config, name, keys, _l("Cổng thanh toán của nền tảng")))
    return rows


def _provider(config, name, keys, note) -> dict:
    missing = [k for k in keys if not config.get(k)]
    # Non-secret switches (sandbox flags, URLs with defaults) do not make a gateway "configured".
    secret = [k for k in keys if any(w in k for w in ("KEY", "SECRET", "TMN", "CODE", "APP_ID", "PARTNER"))] or keys
    return {"name": name, "keys": keys, "missing": missing, "note": note,
            "configured": all(config.get(k) for k in secret)}
