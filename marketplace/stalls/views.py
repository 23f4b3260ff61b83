"""Stall pages: the public stall page and the seller's own stall (open, fix, resubmit)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..catalog import services as catalog
from ..catalog.filters import listing_page
from ..core.formerrors import run_form_action
from ..core.phone import display_phone
from ..extensions import db
from ..pagecache import cached
from . import services
from .forms import StallForm

bp = Blueprint("stalls", __name__)

PHOTO_NOT_KEPT = _l("Trình duyệt không giữ lại ảnh đã chọn: vui lòng chọn lại ảnh trước khi gửi.")


@bp.get("/gian-hang-cua-toi")
@login_required
def mine():
    stall = services.stall_of(current_user)
    products = None
    if stall is not None:
        products = db.paginate(catalog.stall_products(stall), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("stalls/mine.html", stall=stall, products=products,
                           attention=catalog.needs_attention(stall) if stall else {})


@bp.route("/gian-hang-cua-toi/mo", methods=["GET", "POST"])
@login_required
def open_stall():
    if services.stall_of(current_user) is not None:
        flash(_("Bạn đã có gian hàng."), "info")
        return redirect(url_for("stalls.mine"))
    form = StallForm()
    if not form.is_submitted():
        form.phone.data, form.household_name.data = display_phone(current_user.phone), current_user.name
    if form.validate_on_submit() and _save(form, lambda: services.open_stall(
            current_user, form.stall_data(), cover=form.cover_upload())) is not None:
        flash(_("Đã gửi đăng ký gian hàng. Cán bộ xã sẽ duyệt trong thời gian sớm nhất."), "success")
        return redirect(url_for("stalls.mine"))
    return render_template("stalls/form.html", form=form, stall=None)


@bp.route("/gian-hang-cua-toi/sua", methods=["GET", "POST"])
@login_required
def edit():
    stall = services.stall_of(current_user)
    if stall is None:
        return redirect(url_for("stalls.open_stall"))
    form = StallForm(obj=stall)
    if not form.is_submitted():
        form.phone.data = display_phone(stall.phone)
    if form.validate_on_submit() and _save(form, lambda: services.update_stall(
            current_user, stall, form.stall_data(), cover=form.cover_upload())) is not None:
        flash(_("Đã lưu gian hàng.") if stall.is_open else _("Đã lưu và gửi lại để cán bộ xã duyệt."), "success")
        return redirect(url_for("stalls.mine"))
    return render_template("stalls/form.html", form=form, stall=stall)


@bp.get("/gian-hang/<slug>")
@cached
def public(slug):
    stall = services.get_public(slug)
    page = listing_page(catalog.browse(stall_id=stall.id), request.args)
    return render_template("stalls/public.html", stall=stall, page=page,
                           base_url=current_app.config["PUBLIC_BASE_URL"].rstrip("/"))


def _save(form, action):
    return run_form_action(form, action, upload_field="cover", upload_note=PHOTO_NOT_KEPT)
