"""The storefront's listing filters (category, price range, sort), read from the query string
so a filtered, paginated page is a shareable URL."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..core.money import parse_vnd
from ..extensions import db
from .services import MAX_PRICE

SORTS = (("new", _l("Mới nhất")), ("price_asc", _l("Giá thấp đến cao")), ("price_desc", _l("Giá cao đến thấp")))


class PriceField(StringField):
    """A price typed as '50.000' or '50000'; `.amount` is the integer VND, or None when empty."""

    amount = None

    def pre_validate(self, form):
        self.amount = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            amount = parse_vnd(text[:20])
        except ValueError:
            raise ValidationError(_l("Nhập giá bằng số, ví dụ 50.000."))
        if amount > MAX_PRICE:
            raise ValidationError(_l("Giá quá lớn."))
        self.amount = amount


class BrowseForm(FlaskForm):
    """GET form: no CSRF (it changes nothing), unknown values fall back to 'all'."""

    class Meta:
        csrf = False

    category = SelectField(_l("Danh mục"), validate_choice=False)
    min_price = PriceField(_l("Giá từ (₫)"), render_kw={"inputmode": "numeric"})
    max_price = PriceField(_l("Đến (₫)"), render_kw={"inputmode": "numeric"})
    sort = SelectField(_l("Sắp xếp"), choices=[SelectChoice(v, label) for v, label in SORTS], validate_choice=False)

    def __init__(self, formdata, categories=(), **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.category.choices = [SelectChoice("", _l("Tất cả"))] + [SelectChoice(c.slug, c.name) for c in categories]
        self._categories = {c.slug: c for c in categories}
        self.validate()

    def browse_args(self) -> dict:
        """Keyword arguments for catalog.services.browse; invalid filters are left out."""
        category = self._categories.get(self.category.data or "")
        sort = self.sort.data if self.sort.data in dict(SORTS) else "new"
        return {
            "category_id": category.id if category else None,
            "min_price": self.min_price.amount,
            "max_price": self.max_price.amount,
            "sort": sort,
        }


MAX_PAGE = 10_000  # beyond this an offset is meaningless (and overflows PostgreSQL's bigint)


def page_number(args) -> int:
    """The ?page= of a listing, 1 when missing or nonsense."""
    page = args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


# A listing counts its products this far (or 10 pages past the one shown), then says "1000+".
COUNT_AT_MOST = 1000


def listing_page(query, args):
    """One page of a storefront product listing, from the ?page= in `args`."""
    return db.paginate(query, page=page_number(args), per_page=current_app.config["PER_PAGE"], error_out=False,
                       count_at_most=COUNT_AT_MOST)
