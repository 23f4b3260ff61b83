"""Commune pages ("Chợ Phúc Hòa")."""
from flask import Blueprint

bp = Blueprint("communes", __name__)
