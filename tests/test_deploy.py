"""Running behind a reverse proxy: PROXY_COUNT makes the client address the real one; gunicorn's
settings in gunicorn.conf.py."""
import gc
import os
import runpy

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.extensions import limiter


def _app(app, proxies):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        MEDIA_DIR = app.config["MEDIA_DIR"]
        LOGIN_RATE_LIMIT = "3 per minute"
        PROXY_COUNT = proxies

    return create_app(Config)


def _failed_logins(client, forwarded_for, times):
    return [
        client.post("/dang-nhap", data={"phone": "0900 000 999", "password": "sai-mat-khau"},
                    headers={"X-Forwarded-For": forwarded_for}).status_code
        for _ in range(times)
    ]


def test_behind_a_proxy_each_client_has_its_own_login_limit(app):
    client = _app(app, proxies=1).test_client()
    limiter.reset()
    assert _failed_logins(client, "203.0.113.7", 4)[-1] == 429
    assert _failed_logins(client, "198.51.100.20", 1) == [200]
    limiter.reset()


def test_without_proxy_count_forwarded_headers_are_not_trusted(app):
    client = _app(app, proxies=0).test_client()
    limiter.reset()
    assert _failed_logins(client, "203.0.113.7", 4)[-1] == 429
    # A forged header does not buy a fresh allowance.
    assert _failed_logins(client, "198.51.100.20", 1) == [429]
    limiter.reset()


def test_a_gunicorn_worker_puts_what_it_loaded_out_of_the_collectors_reach():
    settings = runpy.run_path(os.path.join(os.path.dirname(__file__), "..", "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    settings["post_worker_init"](worker=None)
    try:
        assert gc.get_freeze_count() > 0  # full collections no longer walk them
    finally:
        gc.unfreeze()
