"""Officers' pages for their own communes: announcements (thông báo) to the sellers and the
commune's settings. Routes on the admin blueprint."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.auth import officer_required
from ..communes import services as communes
from ..core.errors import ServiceError
from ..core.formerrors import attach_errors
from . import services
from .forms import AnnouncementForm, CommuneSettingsForm
from .views import bp

ID = "id"


def _chosen_commune():
    """The commune a page is about: ?xa=<id> or the officer's first commune."""
    choices = services.managed_communes(current_user)
    wanted = request.values.get("xa", type=int)
    if wanted:  # a commune the officer does not manage is refused, not silently swapped
        return choices, services.commune_for_officer(current_user, wanted)
    return choices, choices[0] if choices else None


@bp.route("/thong-bao", methods=["GET", "POST"])
@officer_required
def announcements():
    choices, commune = _chosen_commune()
    form = AnnouncementForm()
    if commune is not None and form.validate_on_submit():
        try:
            services.post_announcement(current_user, commune, form.title.data, form.body.data)
        except ServiceError as exc:
            form.title.errors.append(exc.fields.get("title", exc.message))
        else:
            flash(_("Đã đăng thông báo cho người bán của %(name)s.", name=commune.name), "success")
            return redirect(url_for("admin.announcements", xa=commune.id))
    items = services.announcements(commune.id if commune else None, limit=50)
    return render_template("admin/announcements.html", form=form, communes=choices, commune=commune,
                           items=items), 422 if form.errors else 200


@bp.post(f"/thong-bao/<{ID}:announcement_id>/xoa")
@officer_required
def announcement_delete(announcement_id):
    services.delete_announcement(current_user, announcement_id)
    flash(_("Đã gỡ thông báo."), "success")
    return redirect(url_for("admin.announcements", xa=request.form.get("xa", type=int)))


def save_settings(form, commune) -> bool:
    """Save a submitted settings form (officer's page and admin's commune page alike); False
    keeps the form on screen with the service's messages next to its fields."""
    if not form.validate_on_submit():
        return False
    try:
        communes.update_commune_settings(current_user, commune, form.settings())
    except ServiceError as exc:
        attach_errors(form, exc, default="intro")
        return False
    flash(_("Đã lưu cài đặt của xã."), "success")
    return True


@bp.route(f"/cai-dat-xa/<{ID}:commune_id>", methods=["GET", "POST"])
@officer_required
def commune_settings(commune_id):
    commune = services.commune_for_officer(current_user, commune_id)
    form = CommuneSettingsForm(obj=commune)
    if save_settings(form, commune):
        return redirect(url_for("admin.commune_settings", commune_id=commune.id))
    return render_template("admin/commune_settings.html", commune=commune, form=form), 422 if form.errors else 200
