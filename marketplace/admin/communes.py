"""Admin-only pages: communes, their settings and villages, officer assignments."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts import services as accounts
from ..accounts.auth import admin_required
from ..accounts.models import User
from ..communes import services as communes
from ..core import address
from ..core.errors import NotFound, ServiceError
from ..core.formerrors import attach_errors
from ..extensions import db
from . import services
from .commune_views import save_settings
from .forms import CommuneSettingsForm, CreateCommuneForm, OfficerForm, ProvinceForm, VillagesForm
from .views import bp


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


@bp.get("/xa")
@admin_required
def communes_list():
    return render_template("admin/communes.html", communes=communes.list_communes())


@bp.route("/xa/them", methods=["GET", "POST"])
@admin_required
def commune_new():
    province = request.args.get("province", type=int) or 0
    picker = ProvinceForm(request.args)
    picker.province.choices = [SelectChoice(0, _("— Chọn tỉnh/thành phố —"))] + _choices(address.provinces())
    form = CreateCommuneForm()
    form.ward_code.choices = _choices(address.wards(province))
    if form.validate_on_submit():
        try:
            commune = communes.create_commune(current_user, form.ward_code.data, form.intro.data,
                                              form.requires_product_review.data)
        except ServiceError as exc:
            attach_errors(form, exc, default="ward_code")
        else:
            flash(_("Đã mở chợ %(name)s.", name=commune.name), "success")
            return redirect(url_for("admin.commune_edit", commune_id=commune.id))
    status = 422 if form.errors else 200
    return render_template("admin/commune_new.html", picker=picker, form=form, province=province), status


def _edit_page(commune, status=200, **forms):
    forms.setdefault("form", CommuneSettingsForm(obj=commune, formdata=None))
    forms.setdefault("villages_form", VillagesForm(formdata=None))
    forms.setdefault("officer_form", OfficerForm(formdata=None))
    return render_template("admin/commune_edit.html", commune=commune, officers=services.officers_of(commune),
                           **forms), status


@bp.route("/xa/<id:commune_id>", methods=["GET", "POST"])
@admin_required
def commune_edit(commune_id):
    commune = services.commune_for_admin(current_user, commune_id)
    form = CommuneSettingsForm(obj=commune)
    if save_settings(form, commune):
        return redirect(url_for("admin.commune_edit", commune_id=commune.id))
    return _edit_page(commune, 422 if form.errors else 200, form=form)


@bp.post("/xa/<id:commune_id>/thon")
@admin_required
def commune_villages(commune_id):
    commune = services.commune_for_admin(current_user, commune_id)
    form = VillagesForm()
    if not form.validate_on_submit():
        return _edit_page(commune, 422, villages_form=form)
    added, skipped = services.add_villages(current_user, commune, form.names.data.splitlines())
    flash(ngettext("Đã thêm %(num)s thôn/ấp.", "Đã thêm %(num)s thôn/ấp.", len(added)), "success")
    if skipped:
        flash(_("Đã có sẵn, bỏ qua: %(names)s", names=", ".join(skipped)), "info")
    return redirect(url_for("admin.commune_edit", commune_id=commune.id))


@bp.post("/xa/<id:commune_id>/can-bo")
@admin_required
def officer_assign(commune_id):
    commune = services.commune_for_admin(current_user, commune_id)
    form = OfficerForm()
    if form.validate_on_submit():
        user = accounts.find_by_phone(form.phone.data)
        if user is None:
            form.phone.errors.append(_("Chưa có tài khoản với số điện thoại này. Người đó cần đăng ký trước."))
        else:
            communes.assign_officer(current_user, user, commune)
            flash(_("%(name)s là cán bộ của %(commune)s.", name=user.name, commune=commune.name), "success")
            return redirect(url_for("admin.commune_edit", commune_id=commune.id))
    return _edit_page(commune, 422, officer_form=form)


@bp.post("/xa/<id:commune_id>/can-bo/<id:user_id>/bo")
@admin_required
def officer_unassign(commune_id, user_id):
    commune = services.commune_for_admin(current_user, commune_id)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Không tìm thấy tài khoản."))
    communes.unassign_officer(current_user, user, commune)
    flash(_("Đã bỏ phân công %(name)s.", name=user.name), "success")
    return redirect(url_for("admin.commune_edit", commune_id=commune.id))
