"""The cart: in the session for guests ({product_id: quantity_milli}), in the database for
logged-in buyers; the session cart merges into the database cart at login."""
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from ..core.ids import MAX_ID
from ..catalog.models import Product
from ..catalog.units import lazy_amount, parse_quantity, quantity_error
from ..core.errors import ValidationError
from ..core.money import line_total
from ..extensions import db
from ..stalls.models import Stall
from .models import CartItem

MAX_LINES = 50


@dataclass
class CartLine:
    product: Product
    quantity_milli: int
    problem: str | None = None  # why this line cannot be bought as it is

    @property
    def total(self) -> int:
        return line_total(self.product.price, self.quantity_milli)

    @property
    def weight_grams(self) -> int:
        return (self.product.weight_grams * self.quantity_milli + 999) // 1000


def _is_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _quantities(user, session_cart: dict) -> dict[int, int]:
    if _is_user(user):
        rows = db.session.execute(select(CartItem.product_id, CartItem.quantity_milli).where(CartItem.user_id == user.id))
        return {pid: q for pid, q in rows}
    result = {}
    for key, value in (session_cart or {}).items():
        try:
            if 0 < int(key) <= MAX_ID and 0 < int(value) <= MAX_ID:
                result[int(key)] = int(value)
        except (TypeError, ValueError):
            continue
    return result


def line_problem(product: Product | None, milli: int):
    """Why `milli` of this product cannot be bought now (a message for the buyer), or None."""
    if product is None or not product.is_visible:
        return _l("Sản phẩm không còn bán.")
    problem = quantity_error(product.unit_info, milli, product.step_milli, product.min_milli)
    if problem:
        return problem
    if product.stock_milli < milli:
        if product.stock_milli < product.min_milli:
            return _l("Sản phẩm đã hết hàng.")
        return _l("Chỉ còn %(amount)s.", amount=lazy_amount(product.stock_milli, product.unit_info))
    return None


@cache
def _lines_statement():
    """The cart's products with their stall, its commune and delivery fee rule: visibility,
    payment methods and the delivery fee read them. Built once, on first use (loader options
    need the mappers configured): building it took 0.24 ms, three times an order."""
    stall = joinedload(Product.stall)
    return (select(Product).where(Product.id.in_(bindparam("ids", expanding=True)))
            .options(stall.joinedload(Stall.commune), stall.joinedload(Stall.shipping_rule)))


def lines(user, session_cart: dict) -> list[CartLine]:
    """The cart's lines with the current price, stock and status of each product, grouped by stall."""
    quantities = _quantities(user, session_cart)
    if not quantities:
        return []
    products = {p.id: p for p in db.session.scalars(_lines_statement(), {"ids": list(quantities)})}
    result = [CartLine(products[pid], q, line_problem(products[pid], q)) for pid, q in quantities.items() if pid in products]
    return sorted(result, key=lambda line: (line.product.stall_id, line.product.id))


def count(user, session_cart: dict) -> int:
    return len(_quantities(user, session_cart))


def parse(text) -> int:
    """A typed quantity ('1,5', '1.5', '2') as milli-units; ValidationError otherwise."""
    try:
        return parse_quantity(text)
    except ValueError:
        message = _l("Nhập số lượng hợp lệ, ví dụ 1 hoặc 1,5.")
        raise ValidationError(message, {"quantity": message})


def set_quantity(user, session_cart: dict, product_id: int, milli: int, add: bool = False) -> int:
    """Put `milli` (or add it, with add=True) of a product in the cart after checking the unit,
    minimum, step, stock and that the product is on sale; 0 removes the line. Returns the new
    quantity. Guests' carts are the given dict, changed in place."""
    if not 0 < product_id <= MAX_ID:
        raise ValidationError(_l("Sản phẩm không còn bán."))
    current = _quantities(user, session_cart).get(product_id, 0)
    new = current + milli if add else milli
    if new <= 0:
        remove(user, session_cart, [product_id])
        return 0
    product = db.session.get(Product, product_id, options=[joinedload(Product.stall)])  # the rules read its stall
    problem = line_problem(product, new)
    if problem:
        raise ValidationError(problem, {"quantity": problem})
    if not current and count(user, session_cart) >= MAX_LINES:
        raise ValidationError(_l("Giỏ hàng đã đầy."))
    if _is_user(user):
        item = db.session.scalar(select(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product_id))
        if item is None:
            db.session.add(CartItem(user_id=user.id, product_id=product_id, quantity_milli=new))
        else:
            item.quantity_milli = new
        db.session.commit()
    else:
        session_cart[str(product_id)] = new
    return new


def remove(user, session_cart: dict, product_ids) -> None:
    ids = [int(pid) for pid in product_ids if 0 < int(pid) <= MAX_ID]
    if _is_user(user):
        db.session.execute(delete(CartItem).where(CartItem.user_id == user.id, CartItem.product_id.in_(ids)))
        db.session.commit()
    else:
        for pid in ids:
            session_cart.pop(str(pid), None)


def merge_into_user(user, session_cart: dict) -> None:
    """At login: add the guest's lines to the user's saved cart (quantities add up, as in
    django-oscar), then empty the session cart. Lines that no longer fit are kept as they are
    and flagged at checkout, never silently dropped."""
    if not session_cart:
        return
    saved = {i.product_id: i for i in db.session.scalars(select(CartItem).where(CartItem.user_id == user.id))}
    for pid, milli in _quantities(None, session_cart).items():
        if db.session.get(Product, pid) is None or milli <= 0:
            continue
        if pid in saved:
            saved[pid].quantity_milli += milli
        else:
            db.session.add(CartItem(user_id=user.id, product_id=pid, quantity_milli=milli))
    db.session.commit()
    session_cart.clear()
