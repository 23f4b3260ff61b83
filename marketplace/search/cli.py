"""`flask search reindex` and `flask search check`."""
import time

import click
from flask import current_app
from flask.cli import AppGroup

search_cli = AppGroup("search", help="The product search index.")


@search_cli.command("reindex")
def reindex():
    """Rebuild the index from the database (built aside, then swapped in)."""
    started = time.perf_counter()
    count = current_app.extensions["search"].rebuild()
    click.echo(f"Indexed {count} products in {time.perf_counter() - started:.1f}s.")


@search_cli.command("check")
def check():
    """Report visible products missing from the index and stale or extra entries."""
    try:
        missing, stale = current_app.extensions["search"].check()
    except Exception as exc:  # a missing index is a finding, not a crash
        raise click.ClickException(f"Index unavailable ({exc}); run `flask search reindex`.")
    click.echo(f"missing: {len(missing)}  stale: {len(stale)}")
    for label, ids in (("missing", missing), ("stale", stale)):
        if ids:
            click.echo(f"{label}: " + ", ".join(str(i) for i in sorted(ids)[:50]))
    if missing or stale:
        raise SystemExit(1)


def register_search_cli(app) -> None:
    app.cli.add_command(search_cli)
