"""A throwaway app for the single-area benchmarks: a fresh SQLite file in a temporary folder, or
the (emptied) database of BENCH_DATABASE_URL."""
import os
import tempfile

from marketplace import create_app
from marketplace.config import TestConfig


def scratch_app():
    workdir = tempfile.mkdtemp(prefix="choxa-bench-")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
        MEDIA_DIR = os.path.join(workdir, "media")
        PUBLIC_BASE_URL = "https://choxa.vn"

    return create_app(Config)
