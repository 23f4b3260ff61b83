"""What the admin module reads and does beyond single decisions: the audit log within the
communes the actor manages, communes for the admin, villages in bulk. Moderation decisions
themselves go through the stalls and catalog services."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from ..accounts.models import User
from ..communes.models import Commune, OfficerAssignment
from ..communes.services import add_village, managed_commune_ids
from ..core.audit import AuditEntry
from ..core.errors import Conflict, NotFound, deny
from ..extensions import db


def audit_entries(actor) -> Select:
    """Audit rows of the actor's communes, newest first; admins see every row, including
    platform-wide ones that belong to no commune."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ids = managed_commune_ids(actor)
    if ids is not None:
        query = query.where(AuditEntry.commune_id.in_(ids or [-1]))
    return query


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
