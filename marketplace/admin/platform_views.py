"""Admin-only platform pages: categories, villages from a CSV file, the NAPAS bank list and
which payment providers are configured. Routes on the admin blueprint."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..accounts.auth import admin_required
from ..catalog import categories as category_service
from ..catalog import services as catalog
from ..catalog.models import Category
from ..core.errors import NotFound, ServiceError
from ..extensions import db
from ..stalls.banks import BANKS
from . import services
from .forms import CategoryForm, VillagesCsvForm
from .views import bp

ID = "id"
MAX_CSV_BYTES = 512 * 1024


@bp.route("/danh-muc", methods=["GET", "POST"])
@admin_required
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category_service.save_category(current_user, form.name.data, form.position.data)
        except ServiceError as exc:
            form.name.errors.append(exc.fields.get("name", exc.message))
        else:
            flash(_("Đã thêm danh mục."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/categories.html", form=form, items=catalog.categories()), 422 if form.errors else 200


@bp.route(f"/danh-muc/<{ID}:category_id>", methods=["GET", "POST"])
@admin_required
def category_edit(category_id):
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(_("Không tìm thấy danh mục."))
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            category_service.save_category(current_user, form.name.data, form.position.data, category)
        except ServiceError as exc:
            form.name.errors.append(exc.fields.get("name", exc.message))
        else:
            flash(_("Đã lưu danh mục."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_edit.html", form=form, category=category), 422 if form.errors else 200


@bp.post(f"/danh-muc/<{ID}:category_id>/xoa")
@admin_required
def category_delete(category_id):
    try:
        category_service.delete_category(current_user, category_id)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "error")
    else:
        flash(_("Đã xóa danh mục."), "success")
    return redirect(url_for("admin.categories"))


@bp.post(f"/xa/<{ID}:commune_id>/thon-csv")
@admin_required
def villages_csv(commune_id):
    commune = services.commune_for_admin(current_user, commune_id)
    form = VillagesCsvForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Chọn tệp CSV."), "error")
        return redirect(url_for("admin.commune_edit", commune_id=commune.id))
    data = upload.read(MAX_CSV_BYTES + 1)
    try:
        if len(data) > MAX_CSV_BYTES:
            raise ServiceError(_("Tệp quá lớn (tối đa 512 KB)."))
        added, skipped = services.import_villages_csv(current_user, commune, data)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(ngettext("Đã thêm %(num)s thôn/ấp.", "Đã thêm %(num)s thôn/ấp.", len(added)), "success")
        if skipped:
            flash(_("Đã có sẵn, bỏ qua: %(names)s", names=", ".join(skipped)), "info")
    return redirect(url_for("admin.commune_edit", commune_id=commune.id))


@bp.get("/ngan-hang")
@admin_required
def banks():
    rows = sorted(((bin_, short, full) for bin_, (short, full) in BANKS.items()), key=lambda r: r[1].lower())
    return render_template("admin/banks.html", banks=rows)


@bp.get("/thanh-toan")
@admin_required
def providers():
    return render_template("admin/providers.html", providers=services.payment_providers(current_app.config))
