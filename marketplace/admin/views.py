"""The commune admin module: moderation queue (officers), communes and officers (admin)."""
from flask import Blueprint, render_template

from ..accounts.auth import officer_required

bp = Blueprint("admin", __name__, url_prefix="/quan-ly")


@bp.get("/duyet")
@officer_required
def queue():
    return render_template("admin/queue.html")
