"""Categories (danh mục) as the platform admin keeps them: create, rename/reorder, delete when
empty. Every change is audited with before and after."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.errors import Conflict, NotFound, ValidationError, deny
from ..core.text import nfc, slugify
from ..extensions import db
from .models import Category, Product


def save_category(actor, name: str, position: int | None = 0, category: Category | None = None) -> Category:
    """Create a category, or rename/reorder `category`; admin only, audited. Names and slugs
    are unique."""
    if not getattr(actor, "is_admin", False):
        raise deny(actor, "category.save", category)
    name = nfc(name)[:80]
    if not name:
        raise ValidationError(_l("Nhập tên danh mục."), {"name": _l("Nhập tên danh mục.")})
    slug = slugify(name, 80)
    clash = db.session.scalar(select(Category.id).where(Category.slug == slug))
    if clash and (category is None or clash != category.id):
        raise Conflict(_l("Đã có danh mục này."), {"name": _l("Đã có danh mục này.")})
    before = {"name": category.name, "position": category.position} if category else None
    category = category or Category()
    category.name, category.slug, category.position = name, slug, position or 0
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "category.save", category,
                 data={"before": before, "after": {"name": name, "position": category.position}})
    db.session.commit()
    return category


def delete_category(actor, category_id: int) -> None:
    """Remove an empty category; one that any product (even deleted) uses is kept."""
    if not getattr(actor, "is_admin", False):
        raise deny(actor, "category.delete", category_id)
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(_l("Không tìm thấy danh mục."))
    if db.session.scalar(select(Product.id).where(Product.category_id == category.id).limit(1)):
        raise Conflict(_l("Danh mục đang có sản phẩm, không xóa được."))
    audit.record(actor, "category.delete", category, data={"before": {"name": category.name}})
    db.session.delete(category)
    db.session.commit()
