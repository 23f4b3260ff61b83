"""Flask commands: `flask create-admin`, `flask assign-officer`, `flask seed-demo`, `flask search ...`."""
import click
from flask import Flask
from sqlalchemy import select

from .accounts import services as accounts
from .accounts.models import User
from .communes import services as communes
from .communes.models import Commune
from .core.errors import ServiceError
from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--phone", prompt=True)
    @click.option("--name", prompt=True, default="Quản trị viên")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin(phone, name, password):
        """Create a platform admin (or make an existing account one)."""
        user = accounts.find_by_phone(phone)
        try:
            if user is None:
                user = accounts.register_user(phone, name, password)
        except ServiceError as exc:
            raise click.ClickException(str(exc.message))
        user.is_admin = True
        db.session.commit()
        click.echo(f"Admin: {user.phone}")

    @app.cli.command("assign-officer")
    @click.argument("phone")
    @click.argument("commune_slug")
    def assign_officer(phone, commune_slug):
        """Assign an existing account as officer of a commune (by slug)."""
        user = accounts.find_by_phone(phone)
        commune = db.session.scalar(select(Commune).where(Commune.slug == commune_slug))
        if user is None or commune is None:
            raise click.ClickException("No such account or commune.")
        system = db.session.scalar(select(User).where(User.is_admin.is_(True)))
        if system is None:
            raise click.ClickException("Create an admin first (flask create-admin).")
        communes.assign_officer(system, user, commune)
        click.echo(f"{user.phone} is now an officer of {commune.name}")

    from .demo import register_demo_cli
    from .search.cli import register_search_cli

    register_demo_cli(app)
    register_search_cli(app)
