"""Trace pages: the public stamp page (/t/<code>, GS1 Digital Link), the seller's batches,
events and stamp sheets, and the officer's scans per commune."""
from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..core import qr
from ..core.ids import as_id
from ..catalog import services as catalog
from ..communes import services as communes
from ..catalog.units import format_quantity
from ..core.errors import ServiceError, ValidationError
from .. import pagecache
from ..extensions import db
from ..stalls.services import stall_of
from . import codes, services, sheets
from .forms import EVENT_LABELS, BatchForm, EventForm, IssueStampsForm, SheetForm

bp = Blueprint("trace", __name__)
MINE = "/gian-hang-cua-toi/lo"


@bp.app_template_global()
def trace_product_summary(product_id):
    return services.product_summary(product_id)


@bp.app_template_global()
def trace_stall_summary(stall_id):
    return services.stall_summary(stall_id)


@bp.app_template_global()
def trace_event_label(kind):
    return EVENT_LABELS.get(kind, kind)


# ---- public ----------------------------------------------------------------------------------

def _trace_page(stamp_id):
    counts = None
    user_agent = request.headers.get("User-Agent")
    if stamp_id is not None and request.method == "GET" and not codes.is_robot(user_agent):
        counts = services.record_scan(stamp_id, request.remote_addr, user_agent)
    status = services.stamp_status(stamp_id, counts)
    if status is None:
        html = render_template("trace/page.html", genuine=False)
    else:
        # Every stamp of a batch shows the same page but for its verdict: the page is kept per
        # batch, the stamp's counts and copy warning go into it on every scan. A signed-in
        # seller checking a stamp sees their own header: their page is rendered, never kept.
        batch_id = status["stamp"].batch_id
        if pagecache.shareable():
            head, html = pagecache.fragment("trace-page", str(batch_id), lambda: _batch_page(batch_id))
        else:
            head, html = _batch_page(batch_id)
        g.trace_verdict = {**status, "head": head}
        html = pagecache.fill(html)
    response = Response(html)
    # Counts change with every scan: never serve this page from a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _batch_page(batch_id) -> tuple[dict, str]:
    """The page of a batch's stamps, with a hole for the stamp's verdict."""
    view = services.batch_view(batch_id)
    head = {"product": view["product"].name, "stall": view["stall"].name, "batch_code": view["batch"].code,
            "place": view["batch"].place}
    return head, pagecache.with_markers(lambda: render_template("trace/page.html", genuine=True, head=head, **view))


@pagecache.hole("trace_verdict")
def _verdict() -> str:
    return render_template("trace/_verdict.html", **g.trace_verdict)


@bp.get("/t/<code>")
def stamp_page(code):
    return _trace_page(services.stamp_id_for_code(code))


@bp.get("/01/<gtin>/10/<batch_code>/21/<serial>")
def gs1_link(gtin, batch_code, serial):
    return _trace_page(services.stamp_id_for_gs1(gtin, batch_code, serial))


@bp.get("/xa/<slug>/luot-quet-tem")
@login_required
def commune_scans(slug):
    report = services.commune_scan_report(current_user, communes.get_by_slug(slug))
    return render_template("trace/commune_scans.html", **report)


# ---- seller ----------------------------------------------------------------------------------

def _own_stall():
    stall = stall_of(current_user)
    if stall is None:
        abort(404)
    return stall


@bp.get(MINE)
@login_required
def batches():
    stall = _own_stall()
    product_id = request.args.get("san_pham", type=int)
    product_id = as_id(product_id)
    page = db.paginate(services.stall_batches(stall.id, product_id), per_page=30, error_out=False)
    products = db.session.scalars(catalog.stall_products(stall)).all()
    return render_template("trace/batches.html", stall=stall, page=page, products=products, product_id=product_id)


@bp.route("/gian-hang-cua-toi/san-pham/<id:product_id>/lo-moi", methods=["GET", "POST"])
@login_required
def new_batch(product_id):
    product = catalog.get_owned(current_user, product_id)
    form = BatchForm(product=product)
    if form.validate_on_submit() and _apply(form, lambda: services.create_batch(current_user, product.id, form.to_data())):
        return redirect(url_for("trace.batch", batch_id=form.result.id))
    if not form.is_submitted():
        form.code.data = services.suggest_code(product)
    return render_template("trace/batch_form.html", form=form, product=product, batch=None)


@bp.route(MINE + "/<id:batch_id>/sua", methods=["GET", "POST"])
@login_required
def edit_batch(batch_id):
    batch = services.get_owned_batch(current_user, batch_id)
    form = BatchForm(obj=batch, product=batch.product)
    if not form.is_submitted():
        form.quantity.data = _qty(batch.quantity_milli)
    if form.validate_on_submit() and _apply(form, lambda: services.update_batch(current_user, batch.id, form.to_data())):
        flash(_("Đã lưu lô hàng."), "success")
        return redirect(url_for("trace.batch", batch_id=batch.id))
    return render_template("trace/batch_form.html", form=form, product=batch.product, batch=batch)


@bp.post(MINE + "/<id:batch_id>/xoa")
@login_required
def delete_batch(batch_id):
    services.delete_batch(current_user, batch_id)
    flash(_("Đã xóa lô hàng."), "success")
    return redirect(url_for("trace.batches"))


@bp.get(MINE + "/<id:batch_id>")
@login_required
def batch(batch_id):
    report = services.batch_scan_report(current_user, batch_id, limit=20)
    return render_template("trace/batch.html", **report, issue_form=IssueStampsForm(),
                           sheet_form=SheetForm(formdata=None))


@bp.route(MINE + "/<id:batch_id>/su-kien", methods=["GET", "POST"])
@login_required
def add_event(batch_id):
    batch = services.get_owned_batch(current_user, batch_id)
    form = EventForm(corrects_id=request.args.get("dinh_chinh", type=int), happened_on=services.local_today())
    if form.validate_on_submit() and _apply(form, lambda: services.add_event(
            current_user, batch.id, form.to_data(), photo=form.photo.data or None, corrects_id=form.corrects_id.data)):
        flash(_("Đã thêm vào nhật ký lô."), "success")
        return redirect(url_for("trace.batch", batch_id=batch.id))
    return render_template("trace/event_form.html", form=form, batch=batch)


@bp.post(MINE + "/<id:batch_id>/su-kien/<id:event_id>/xoa")
@login_required
def delete_event(batch_id, event_id):
    services.delete_event(current_user, batch_id, event_id)
    flash(_("Đã xóa sự kiện."), "success")
    return redirect(url_for("trace.batch", batch_id=batch_id))


@bp.post(MINE + "/<id:batch_id>/tem")
@login_required
def issue_stamps(batch_id):
    form = IssueStampsForm()
    if not form.validate():
        raise_first(form)
    first, last = services.issue_stamps(current_user, batch_id, form.count.data)
    flash(ngettext("Đã tạo tem số %(a)s đến %(b)s.", "Đã tạo tem số %(a)s đến %(b)s.", last - first + 1,
                   a=first, b=last), "success")
    return redirect(url_for("trace.batch", batch_id=batch_id, _anchor="tem"))


@bp.get(MINE + "/<id:batch_id>/tem.pdf")
@login_required
def stamp_sheet(batch_id):
    batch = services.get_owned_batch(current_user, batch_id)
    form = SheetForm(request.args)
    if not form.validate():
        raise_first(form)
    pdf = sheets.stamp_sheet_pdf(services.sheet_stamps(batch, form.first.data, form.last.data),
                                 batch.product.name, batch.code, form.layout.data)
    name = f"tem-{batch.product.slug}-{batch.code}-{form.layout.data}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get(MINE + "/<id:batch_id>/tem/<id:serial>.png")
@login_required
def stamp_png(batch_id, serial):
    stamp = services.owned_stamp(current_user, batch_id, serial)
    return Response(qr.png(services.stamp_url(services.stamp_code(stamp))), mimetype="image/png")


def _apply(form, action) -> bool:
    """Run a service call; its field errors go next to the form's fields."""
    try:
        form.result = action()
        return True
    except ServiceError as exc:
        db.session.rollback()
        for name, message in exc.fields.items():
            target = getattr(form, "quantity" if name == "quantity_milli" else name, None)
            if target is not None and hasattr(target, "errors"):
                target.errors = list(target.errors) + [message]
        if not exc.fields:
            flash(str(exc.message), "error")
        return False


def raise_first(form):
    raise ValidationError(_("Dữ liệu không hợp lệ."), {k: v[0] for k, v in form.errors.items() if v})


def _qty(milli):
    return format_quantity(milli) if milli else ""
