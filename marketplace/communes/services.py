"""Communes, villages and officer assignments. `can_manage` is the one tenancy rule."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import address, audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc, nfc_multiline, slugify
from ..extensions import db
from .models import Commune, OfficerAssignment, Village


def can_manage(user, commune_id: int | None) -> bool:
    """Admins manage every commune; an officer only the communes assigned to them."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_admin or (commune_id is not None and commune_id in user.commune_ids))


def require_manage(user, commune_id: int | None, action: str, target) -> None:
    if not can_manage(user, commune_id):
        raise deny(user, action, target)


def managed_commune_ids(user) -> list[int] | None:
    """Commune ids an officer may act on; None means all (admin)."""
    if user.is_admin:
        return None
    return sorted(user.commune_ids)


def list_communes() -> list[Commune]:
    return list(db.session.scalars(select(Commune).order_by(Commune.province_name, Commune.name)))


def get_by_slug(slug: str) -> Commune:
    commune = db.session.scalar(select(Commune).where(Commune.slug == slug))
    if commune is None:
        raise NotFound(_l("Không tìm thấy xã."))
    return commune


def create_commune(actor, ward_code: int, intro: str = "", requires_product_review: bool = True) -> Commune:
    """Open the marketplace for a 2025 commune/ward; admin only."""
    if not actor.is_admin:
        raise deny(actor, "create_commune", ward_code)
    ward = address.ward(ward_code)
    if ward is None:
        raise ValidationError(_l("Mã xã/phường không có trong danh mục 2025."), {"ward_code": _l("Chọn xã/phường.")})
    if db.session.scalar(select(Commune.id).where(Commune.ward_code == int(ward.code))):
        raise Conflict(_l("Xã này đã có trên chợ."), {"ward_code": _l("Xã này đã có trên chợ.")})
    province_name = address.province_name(int(ward.province_code))
    commune = Commune(
        ward_code=int(ward.code),
        province_code=int(ward.province_code),
        name=ward.name,
        province_name=province_name,
        slug=slugify(f"{ward.name} {address.short_name(province_name)}"),
        intro=nfc(intro),
        requires_product_review=requires_product_review,
    )
    db.session.add(commune)
    db.session.flush()
    audit.record(actor, "commune.create", commune, commune_id=commune.id)
    db.session.commit()
    return commune


def add_village(actor, commune: Commune, name: str) -> Village:
    """Add a thôn/ấp/xóm; officers of the commune and admins may."""
    require_manage(actor, commune.id, "village.add", commune)
    name = nfc(name)[:120]
    if not name:
        raise ValidationError(_l("Nhập tên thôn/ấp."), {"name": _l("Nhập tên thôn/ấp.")})
    if any(v.name.lower() == name.lower() for v in commune.villages):
        raise Conflict(_l("Thôn/ấp này đã có."), {"name": _l("Thôn/ấp này đã có.")})
    village = Village(commune=commune, name=name)
    db.session.add(village)
    db.session.commit()
    return village


def assign_officer(actor, user, commune: Commune) -> OfficerAssignment:
    """Make `user` an officer of `commune`; admin only; idempotent."""
    if not actor.is_admin:
        raise deny(actor, "officer.assign", commune)
    existing = db.session.scalar(
        select(OfficerAssignment).where(
            OfficerAssignment.user_id == user.id, OfficerAssignment.commune_id == commune.id
        )
    )
    if existing:
        return existing
    assignment = OfficerAssignment(user=user, commune=commune)
    db.session.add(assignment)
    db.session.flush()
    audit.record(actor, "officer.assign", commune, commune_id=commune.id, data={"user_id": user.id})
    db.session.commit()
    return assignment


def unassign_officer(actor, user, commune: Commune) -> None:
    if not actor.is_admin:
        raise deny(actor, "officer.unassign", commune)
    assignment = db.session.scalar(
        select(OfficerAssignment).where(
            OfficerAssignment.user_id == user.id, OfficerAssignment.commune_id == commune.id
        )
    )
    if assignment:
        db.session.delete(assignment)
        audit.record(actor, "officer.unassign", commune, commune_id=commune.id, data={"user_id": user.id})
        db.session.commit()


SETTINGS = ("intro", "requires_product_review", "household_count", "contact", "price_jump_pct", "report_threshold")
# name -> (minimum, maximum, message) of the whole-number settings; None is allowed only for
# the household count ("not entered").
_NUMBERS = {
    "household_count": (0, 10_000_000, _l("Số hộ phải là số nguyên không âm.")),
    "price_jump_pct": (1, 1000, _l("Tỉ lệ thay đổi giá từ 1 đến 1000 %.")),
    "report_threshold": (1, 1000, _l("Ngưỡng báo cáo từ 1 đến 1000.")),
}


def update_commune_settings(actor, commune: Commune, data: dict) -> Commune:
    """Change a commune's intro, review policy, price-jump %, report threshold, household count
    and contact; admins, and the commune's own officers. Keys missing from `data` keep their
    value. The change is audited with before and after in the same transaction."""
    require_manage(actor, commune.id, "commune.update", commune)
    clean = {k: data[k] for k in SETTINGS if k in data}
    if "intro" in clean:
        clean["intro"] = nfc_multiline(clean["intro"])[:4000]
    if "contact" in clean:
        clean["contact"] = nfc_multiline(clean["contact"])[:1000]
    if "requires_product_review" in clean:
        clean["requires_product_review"] = bool(clean["requires_product_review"])
    errors = {}
    for key, (low, high, message) in _NUMBERS.items():
        if key not in clean:
            continue
        value = clean[key]
        if value is None and key == "household_count":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[key] = message
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    before = {k: getattr(commune, k) for k in SETTINGS}
    changed = {k: v for k, v in clean.items() if before[k] != v}
    for key, value in changed.items():
        setattr(commune, key, value)
    if changed:
        audit.record(actor, "commune.update", commune, commune_id=commune.id,
                     data={"changed": sorted(changed), "before": {k: before[k] for k in changed},
                           "after": changed})
    db.session.commit()
    return commune
