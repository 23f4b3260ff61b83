"""The seller's product management ("Gian hàng của tôi" → sản phẩm): add, edit, hide, show,
delete. Every route goes through catalog.services, which checks the product is the seller's."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core.errors import ServiceError, ValidationError
from ..core.formerrors import attach_errors, note_lost_uploads, run_form_action
from . import services
from .forms import ProductForm
from .models import ProductStatus

bp = Blueprint("manage", __name__, url_prefix="/gian-hang-cua-toi/san-pham")

PHOTOS_NOT_KEPT = _l("Trình duyệt không giữ lại ảnh đã chọn: vui lòng chọn lại ảnh trước khi lưu.")


@bp.before_request
@login_required
def _login():
    """Every page here is the seller's own; anonymous visitors go to the login page."""


@bp.route("/moi", methods=["GET", "POST"])
def create():
    try:
        services.own_open_stall(current_user)
    except ServiceError as exc:
        flash(str(exc.message), "info")
        return redirect(url_for("stalls.mine"))
    form = _form(ProductForm(data={"unit": "kg", "weight_grams": 1000}))
    product = _valid(form) and _save(form, lambda: services.create_product(
        current_user, form.product_data(), form.photo_uploads(), form.certification_data()))
    if product:
        flash(_live_or_waiting(product, _("Đã thêm sản phẩm.")), "success")
        return redirect(url_for("stalls.mine"))
    return render_template("catalog/manage/form.html", form=form, product=None)


@bp.route("/<int:product_id>", methods=["GET", "POST"])
def edit(product_id):
    product = services.get_owned(current_user, product_id)
    form = _form(ProductForm())
    if not form.is_submitted():
        form.fill_from(product)
    saved = _valid(form) and _save(form, lambda: services.update_product(
        current_user, product_id, form.product_data(), form.photo_uploads(), form.certification_data(),
        remove_photo_ids=form.remove_photos.data or ()))
    if saved:
        flash(_live_or_waiting(saved, _("Đã lưu sản phẩm.")), "success")
        return redirect(url_for("stalls.mine"))
    return render_template("catalog/manage/form.html", form=form, product=product)


@bp.post("/<int:product_id>/an")
def hide(product_id):
    return _toggle(product_id, True, _("Đã ẩn sản phẩm khỏi gian hàng."))


@bp.post("/<int:product_id>/hien")
def show(product_id):
    return _toggle(product_id, False, _("Sản phẩm đã hiện lại trên gian hàng."))


@bp.route("/<int:product_id>/xoa", methods=["GET", "POST"])
def delete(product_id):
    product = services.get_owned(current_user, product_id)
    if request.method == "POST":  # CSRFProtect has checked the token already
        services.delete_product(current_user, product_id)
        flash(_("Đã xoá sản phẩm %(name)s.", name=product.name), "success")
        return redirect(url_for("stalls.mine"))
    return render_template("catalog/manage/delete.html", product=product)


def _toggle(product_id: int, hidden: bool, message: str):
    services.set_hidden(current_user, product_id, hidden)
    flash(message, "success")
    return redirect(url_for("stalls.mine"))


def _live_or_waiting(product, done: str) -> str:
    if product.status == ProductStatus.PENDING:
        return done + " " + _("Sản phẩm đang chờ cán bộ xã duyệt trước khi lên gian hàng.")
    if product.hidden:
        return done + " " + _("Sản phẩm đang ẩn.")
    return done + " " + _("Sản phẩm đã lên gian hàng.")


def _form(form: ProductForm) -> ProductForm:
    form.set_categories(services.categories())
    return form


def _valid(form: ProductForm) -> bool:
    """Whether the typed values parse. When some don't, the service still checks the others,
    so the seller sees every problem in one round trip (on a slow connection, that matters)."""
    if not form.is_submitted():
        return False
    if form.validate():
        return True
    try:
        services.check_product(form.product_data(), form.certification_data())
    except ValidationError as exc:
        attach_errors(form, exc, only_new=True)
    note_lost_uploads(form, "photos", PHOTOS_NOT_KEPT)
    return False


def _save(form, action):
    return run_form_action(form, action, upload_field="photos", upload_note=PHOTOS_NOT_KEPT)
