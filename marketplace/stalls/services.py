"""Stalls: opening, fixing and resubmitting, and the officer's approve/reject decision."""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.ids import as_id
from ..communes.models import Commune, Village
from ..communes.services import managed_commune_ids, require_manage
from ..core import audit, images
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.identity import is_valid_cccd
from ..core.phone import normalize_phone
from ..core.text import ascii_upper, nfc, nfc_multiline, slugify
from ..core.timeutil import utcnow
from ..extensions import db
from .banks import BANKS
from .models import Stall, StallStatus

EDITABLE = (
    "name", "household_name", "id_number", "phone", "commune_id", "village_id", "address_line",
    "story", "bank_bin", "bank_account", "bank_holder", "accepts_cod",
)
# Changing who the household is or where money goes needs the officer's eyes again.
REVIEWED_FIELDS = {"household_name", "id_number", "commune_id", "bank_bin", "bank_account", "bank_holder"}


def media_dir() -> str:
    return os.path.join(current_app.config["MEDIA_DIR"], "s")


def stall_of(user) -> Stall | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Stall).where(Stall.owner_id == user.id))


def get_public(slug: str) -> Stall:
    """A stall buyers may see: approved only."""
    stall = db.session.scalar(select(Stall).where(Stall.slug == slug))
    if stall is None or stall.status != StallStatus.APPROVED:
        raise NotFound(_l("Không tìm thấy gian hàng."))
    return stall


def clean_stall_data(data: dict) -> dict:
    """Normalise and check stall fields; raises ValidationError with a message per field."""
    errors = {}
    clean = {k: data[k] for k in EDITABLE if k in data}
    for key in ("name", "household_name", "address_line"):
        if key in clean:
            clean[key] = nfc(clean[key])[:255 if key == "address_line" else 120]
    if "story" in clean:
        clean["story"] = nfc_multiline(clean["story"])[:4000]
    if "accepts_cod" in clean and not isinstance(clean["accepts_cod"], bool):
        clean["accepts_cod"] = str(clean["accepts_cod"]).strip().lower() in {"1", "true", "y", "yes", "on"}
    if not clean.get("name"):
        errors["name"] = _l("Nhập tên gian hàng.")
    if not clean.get("household_name"):
        errors["household_name"] = _l("Nhập tên hộ/người đại diện.")
    clean["id_number"] = str(clean.get("id_number") or "").replace(" ", "")
    # isascii: str.isdigit and \d also accept full-width and other scripts' digits.
    if not (clean["id_number"].isascii() and is_valid_cccd(clean["id_number"])):
        errors["id_number"] = _l("Số CCCD gồm 12 chữ số, bắt đầu bằng mã tỉnh nơi đăng ký khai sinh.")
    try:
        clean["phone"] = normalize_phone(clean.get("phone") or "")
    except ValueError:
        errors["phone"] = _l("Số điện thoại không hợp lệ.")
    clean["commune_id"] = as_id(clean.get("commune_id"))
    commune = db.session.get(Commune, clean["commune_id"] or 0)
    if commune is None:
        errors["commune_id"] = _l("Chọn xã có chợ.")
    village_id = as_id(clean.get("village_id"))
    if village_id and (commune is None or db.session.get(Village, village_id) not in commune.villages):
        errors["village_id"] = _l("Thôn/ấp không thuộc xã đã chọn.")
    clean["village_id"] = village_id
    if clean.get("bank_bin") not in BANKS:
        errors["bank_bin"] = _l("Chọn ngân hàng.")
    clean["bank_account"] = str(clean.get("bank_account") or "").replace(" ", "")
    if not (clean["bank_account"].isascii() and clean["bank_account"].isdigit()
            and 6 <= len(clean["bank_account"]) <= 19):
        errors["bank_account"] = _l("Số tài khoản gồm 6–19 chữ số.")
    clean["bank_holder"] = ascii_upper(clean.get("bank_holder") or "")[:70]
    holder = clean["bank_holder"].replace(" ", "")
    if not (holder.isascii() and holder.isalpha()):
        errors["bank_holder"] = _l("Nhập tên chủ tài khoản như trên thẻ ngân hàng.")
    if errors:
        raise ValidationError(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), errors)
    return clean


def open_stall(owner, data: dict, cover=None) -> Stall:
    """Create the owner's stall in 'chờ duyệt'; one stall per account."""
    if stall_of(owner) is not None:
        raise Conflict(_l("Bạn đã có gian hàng."))
    clean = clean_stall_data(data)
    stall = Stall(owner_id=owner.id, slug=_unique_slug(clean["name"]), status=StallStatus.PENDING, **clean)
    if cover is not None:
        stall.cover_key = _store_cover(cover)
    try:
        db.session.add(stall)
        db.session.flush()
        audit.record(owner, "stall.submit", stall, commune_id=stall.commune_id)
        db.session.commit()
    except IntegrityError:
        # A double-tapped submit raced this one: the unique owner (or slug) decided.
        db.session.rollback()
        if stall.cover_key:
            images.delete_photo(media_dir(), stall.cover_key)
        raise Conflict(_l("Bạn đã có gian hàng."))
    return stall


def update_stall(actor, stall: Stall, data: dict, cover=None) -> Stall:
    """The owner edits the stall. A rejected stall goes back to the queue; an approved one
    does too when identity or payout details change."""
    if actor.id != stall.owner_id:
        raise deny(actor, "stall.update", stall)
    if stall.status == StallStatus.SUSPENDED:
        raise Conflict(_l("Gian hàng đang bị tạm ngừng; liên hệ cán bộ xã."))
    clean = clean_stall_data({**{k: getattr(stall, k) for k in EDITABLE}, **data})
    # The photo is checked before anything changes, so a bad photo leaves the stall as it was.
    new_cover = _store_cover(cover) if cover is not None else None
    changed = {k for k, v in clean.items() if getattr(stall, k) != v}
    for key, value in clean.items():
        setattr(stall, key, value)
    old_cover = None
    if new_cover:
        old_cover, stall.cover_key = stall.cover_key, new_cover
    if stall.status == StallStatus.REJECTED or (changed & REVIEWED_FIELDS):
        stall.status = StallStatus.PENDING
        stall.status_reason = ""
        stall.submitted_at = utcnow()
        audit.record(actor, "stall.resubmit", stall, commune_id=stall.commune_id, data={"changed": sorted(changed)})
    db.session.commit()
    # Only once the new cover is committed: a failed save must not leave the stall without one.
    if old_cover:
        images.delete_photo(media_dir(), old_cover)
    return stall


def pending_stalls(actor) -> list[Stall]:
    """Stalls waiting for review in the communes the actor manages, oldest first."""
    query = select(Stall).where(Stall.status == StallStatus.PENDING).order_by(Stall.submitted_at)
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Stall.commune_id.in_(ids))
    return list(db.session.scalars(query))


def approve_stall(actor, stall: Stall) -> Stall:
    """Open a pending stall for business; officers of its commune or admins only."""
    require_manage(actor, stall.commune_id, "stall.approve", stall)
    if stall.status != StallStatus.PENDING:
        raise Conflict(_l("Gian hàng không ở trạng thái chờ duyệt."))
    stall.status = StallStatus.APPROVED
    stall.status_reason = ""
    stall.approved_at = utcnow()
    audit.record(actor, "stall.approve", stall, commune_id=stall.commune_id)
    db.session.commit()
    return stall


def reject_stall(actor, stall: Stall, reason: str) -> Stall:
    """Send a pending stall back to the household with a reason they will see."""
    require_manage(actor, stall.commune_id, "stall.reject", stall)
    reason = audit.required_reason(reason)
    if stall.status != StallStatus.PENDING:
        raise Conflict(_l("Gian hàng không ở trạng thái chờ duyệt."))
    stall.status = StallStatus.REJECTED
    stall.status_reason = reason
    audit.record(actor, "stall.reject", stall, commune_id=stall.commune_id, reason=reason)
    db.session.commit()
    return stall


def count_by_status(commune_id: int | None = None) -> dict[str, int]:
    query = select(Stall.status, func.count()).group_by(Stall.status)
    if commune_id is not None:
        query = query.where(Stall.commune_id == commune_id)
    return dict(db.session.execute(query).all())




def _store_cover(stream) -> str:
    key, _w, _h = images.save_photo(stream, media_dir(), current_app.config["MAX_IMAGE_BYTES"], field="cover")
    return key


def _unique_slug(name: str) -> str:
    base = slugify(name, 100)
    slug, n = base, 1
    while db.session.scalar(select(Stall.id).where(Stall.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def approved_stalls(commune_id: int | None = None):
    """A select of the stalls buyers may see (approved only), optionally in one commune,
    ordered by name so pages are stable."""
    query = select(Stall).where(Stall.status == StallStatus.APPROVED)
    if commune_id is not None:
        query = query.where(Stall.commune_id == commune_id)
    return query.order_by(Stall.name, Stall.id)


def get_for_viewer(viewer, stall_id: int) -> Stall:
    """A stall by id as `viewer` may see it: any approved stall, or the viewer's own stall in
    whatever status; NotFound otherwise (a pending stall is nobody else's business)."""
    stall = db.session.get(Stall, stall_id)
    if stall is None or (stall.status != StallStatus.APPROVED and stall.owner_id != getattr(viewer, "id", None)):
        raise NotFound(_l("Không tìm thấy gian hàng."))
    return stall


def get_for_moderation(actor, stall_id: int) -> Stall:
    """A stall an officer of its commune (or an admin) may review; NotFound or Forbidden."""
    stall = db.session.get(Stall, stall_id)
    if stall is None:
        raise NotFound(_l("Không tìm thấy gian hàng."))
    require_manage(actor, stall.commune_id, "stall.view", stall)
    return stall


def suspend_stall(actor, stall: Stall, reason: str) -> Stall:
    """Close an approved stall at once (tạm ngừng): its products leave the storefront with it,
    since buyers only see products of approved stalls. The seller sees the reason."""
    require_manage(actor, stall.commune_id, "stall.suspend", stall)
    reason = nfc_multiline(reason)[:1000]
    if not reason:
        raise ValidationError(_l("Nhập lý do tạm ngừng."), {"reason": _l("Nhập lý do tạm ngừng.")})
    if stall.status != StallStatus.APPROVED:
        raise Conflict(_l("Chỉ tạm ngừng được gian hàng đang hoạt động."))
    stall.status = StallStatus.SUSPENDED
    stall.status_reason = reason
    audit.record(actor, "stall.suspend", stall, commune_id=stall.commune_id, reason=reason,
                 data={"before": {"status": StallStatus.APPROVED}, "after": {"status": StallStatus.SUSPENDED}})
    db.session.commit()
    return stall


def reinstate_stall(actor, stall: Stall, reason: str) -> Stall:
    """Reopen a suspended stall; its products that were on sale before are on sale again."""
    require_manage(actor, stall.commune_id, "stall.reinstate", stall)
    reason = nfc_multiline(reason)[:1000]
    if not reason:
        raise ValidationError(_l("Nhập lý do mở lại."), {"reason": _l("Nhập lý do mở lại.")})
    if stall.status != StallStatus.SUSPENDED:
        raise Conflict(_l("Gian hàng không bị tạm ngừng."))
    stall.status = StallStatus.APPROVED
    stall.status_reason = ""
    audit.record(actor, "stall.reinstate", stall, commune_id=stall.commune_id, reason=reason,
                 data={"before": {"status": StallStatus.SUSPENDED}, "after": {"status": StallStatus.APPROVED}})
    db.session.commit()
    return stall


def managed_stalls(actor, status: str | None = None, commune_id: int | None = None):
    """A select of the stalls in the communes the actor manages (all for admins), by name."""
    query = select(Stall).order_by(Stall.name, Stall.id)
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(Stall.commune_id.in_(ids or [-1]))
    if status in StallStatus.ALL:
        query = query.where(Stall.status == status)
    if commune_id:
        query = query.where(Stall.commune_id == commune_id)
    return query
