"""Stall pages: the public stall page and the seller's own stall."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from . import services

bp = Blueprint("stalls", __name__)


@bp.get("/gian-hang-cua-toi")
@login_required
def mine():
    return render_template("stalls/mine.html", stall=services.stall_of(current_user))
