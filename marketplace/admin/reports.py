"""Buyers' reports (báo cáo vi phạm): a logged-in user reports a product or a stall buyers can
see; the officers of its commune resolve it (dismiss, hide the product, warn, suspend the
stall) with a note the reporter reads. Hiding and suspending go through the catalog and
stalls services, in the same transaction as the resolution."""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update

from ..catalog import services as catalog
from ..communes.models import Commune
from ..communes.services import managed_commune_ids, require_manage
from ..core import audit, images
from ..core.errors import Conflict, NotFound, ServiceError, ValidationError, deny
from ..core.text import nfc_multiline
from ..core.timeutil import utcnow
from ..extensions import db
from ..orders.status import write_transaction
from ..stalls import services as stalls
from ..stalls.models import Stall, StallStatus
from .models import Report, ReportOutcome, ReportStatus

REPORT_CATEGORIES = {
    "fake_origin": _l("Sai nguồn gốc / giả mạo xuất xứ"),
    "wrong_price": _l("Giá sai hoặc khác khi giao"),
    "banned": _l("Hàng cấm, hàng kém chất lượng"),
    "behaviour": _l("Người bán có hành vi không đúng"),
    "other": _l("Khác"),
}
OUTCOME_LABELS = {
    ReportOutcome.DISMISS: _l("Không vi phạm — đóng báo cáo"),
    ReportOutcome.HIDE_PRODUCT: _l("Ẩn sản phẩm"),
    ReportOutcome.WARN: _l("Nhắc nhở người bán"),
    ReportOutcome.SUSPEND_STALL: _l("Tạm ngừng gian hàng"),
}


def report_media_dir() -> str:
    # Not under a public media kind: buyers' evidence photos are for officers only.
    return os.path.join(current_app.config["MEDIA_DIR"], "r")


def create_report(reporter, category: str, text: str, product_id: int | None = None,
                  stall_id: int | None = None, photo=None) -> Report:
    """A logged-in user reports a product or a stall that buyers can see. Sellers cannot
    report their own stall; one open report per user and item. The photo is stored only if
    everything else is acceptable."""
    if reporter is None or not getattr(reporter, "is_authenticated", False):
        raise deny(reporter, "report.create", product_id or stall_id)
    errors = {}
    if category not in REPORT_CATEGORIES:
        errors["category"] = _l("Chọn loại vi phạm.")
    text = nfc_multiline(text)[:2000]
    if not text:
        errors["text"] = _l("Mô tả điều bạn thấy không đúng.")
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    if product_id:
        product = catalog.get_visible(product_id)
        stall = product.stall
    else:
        product = None
        stall = db.session.get(Stall, stall_id or 0)
        if stall is None or stall.status != StallStatus.APPROVED:
            raise NotFound(_l("Không tìm thấy gian hàng."))
    if stall.owner_id == reporter.id:
        raise Conflict(_l("Bạn không thể báo cáo gian hàng của chính mình."))
    duplicate = db.session.scalar(select(Report.id).where(
        Report.reporter_id == reporter.id, Report.status == ReportStatus.OPEN, Report.stall_id == stall.id,
        Report.product_id == product.id if product else Report.product_id.is_(None)))
    if duplicate:
        raise Conflict(_l("Bạn đã báo cáo mục này; cán bộ xã đang xem xét."))
    report = Report(reporter_id=reporter.id, commune_id=stall.commune_id, stall_id=stall.id,
                    product_id=product.id if product else None, category=category, text=text)
    if photo is not None:
        report.photo_key = images.save_photo(photo, report_media_dir(), current_app.config["MAX_IMAGE_BYTES"],
                                             field="photo")[0]
    db.session.add(report)
    db.session.flush()
    audit.record(reporter, "report.create", report, commune_id=stall.commune_id,
                 data={"stall_id": stall.id, "product_id": report.product_id, "category": category})
    db.session.commit()
    return report


def my_reports(user) -> list[Report]:
    """The user's reports, newest first, with what the officer decided."""
    return list(db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                                   .order_by(Report.created_at.desc(), Report.id.desc()).limit(200)))


def reports_for(actor, status: str | None = ReportStatus.OPEN) -> Select:
    """Reports in the actor's communes: open ones oldest first (first come, first served),
    otherwise newest first."""
    query = select(Report)
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Report.commune_id.in_(ids or [-1]))
    if status in ReportStatus.ALL:
        query = query.where(Report.status == status)
    if status == ReportStatus.OPEN:
        return query.order_by(Report.created_at, Report.id)
    return query.order_by(Report.created_at.desc(), Report.id.desc())


def open_count(actor) -> int:
    """How many reports wait for the actor's decision."""
    return db.session.scalar(reports_for(actor).with_only_columns(func.count(Report.id)).order_by(None)) or 0


def flagged_stalls(actor) -> dict[int, int]:
    """stall id -> open report count, for stalls at or over their commune's report threshold."""
    query = (select(Report.stall_id, func.count()).join(Commune, Commune.id == Report.commune_id)
             .where(Report.status == ReportStatus.OPEN).group_by(Report.stall_id, Commune.report_threshold)
             .having(func.count() >= Commune.report_threshold))
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Report.commune_id.in_(ids or [-1]))
    return dict(db.session.execute(query).all())


def get_report(actor, report_id: int) -> Report:
    """A report an officer of its commune (or an admin) may see; NotFound or Forbidden."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_l("Không tìm thấy báo cáo."))
    require_manage(actor, report.commune_id, "report.view", report)
    return report


def resolve_report(actor, report: Report, outcome: str, note: str) -> Report:
    """Close an open report with an outcome and a note the reporter reads. Hiding the product
    or suspending the stall goes through the catalog/stalls services (with their own audit
    rows), in the same transaction as the resolution."""
    require_manage(actor, report.commune_id, "report.resolve", report)
    note = nfc_multiline(note)[:1000]
    errors = {}
    if outcome not in ReportOutcome.ALL:
        errors["outcome"] = _l("Chọn cách xử lý.")
    elif outcome == ReportOutcome.HIDE_PRODUCT and report.product_id is None:
        errors["outcome"] = _l("Báo cáo này về gian hàng, không về một sản phẩm.")
    if not note:
        errors["note"] = _l("Ghi chú kết quả xử lý cho người báo cáo.")
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    # Two officers may act on one report at once: the UPDATE matches only an open report, so
    # exactly one of them resolves it and the other is told it is done.
    write_transaction()
    claimed = db.session.execute(
        update(Report).where(Report.id == report.id, Report.status == ReportStatus.OPEN)
        .values(status=ReportStatus.RESOLVED, outcome=outcome, note=note, resolved_by_id=actor.id,
                resolved_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        raise Conflict(_l("Báo cáo đã được xử lý."))
    db.session.refresh(report)
    audit.record(actor, "report.resolve", report, commune_id=report.commune_id, reason=note,
                 data={"outcome": outcome, "stall_id": report.stall_id, "product_id": report.product_id})
    try:
        if outcome == ReportOutcome.HIDE_PRODUCT and not report.product.officer_hidden:
            catalog.set_officer_hidden(actor, report.product, True, note)
        elif outcome == ReportOutcome.SUSPEND_STALL and report.stall.status == StallStatus.APPROVED:
            stalls.suspend_stall(actor, report.stall, note)
        elif outcome == ReportOutcome.WARN:
            audit.record(actor, "stall.warn", report.stall, commune_id=report.commune_id, reason=note)
            db.session.commit()
        else:
            db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    return report


def stall_warnings(stall: Stall, limit: int = 5) -> list[Report]:
    """Upheld reports the seller should know about (warnings, hidden products), newest first."""
    return list(db.session.scalars(
        select(Report).where(Report.stall_id == stall.id, Report.status == ReportStatus.RESOLVED,
                             Report.outcome.in_((ReportOutcome.WARN, ReportOutcome.HIDE_PRODUCT,
                                                 ReportOutcome.SUSPEND_STALL)))
        .order_by(Report.resolved_at.desc()).limit(limit)))
