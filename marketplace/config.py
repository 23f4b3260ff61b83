"""Settings, all read from environment variables with safe defaults."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'choxa.db'}"
    )
    # Connections idle a while are pinged before use (core/connections.py), not every one.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
    MEDIA_DIR = os.environ.get("MEDIA_DIR", str(INSTANCE_DIR / "media"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Reverse proxies (nginx...) in front of the app whose X-Forwarded-* headers are trusted;
    # without it every client looks like the proxy and shares one login rate limit.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    # A phone photo is 3-6 MB; 10 MB per file, a little more per request for the form.
    MAX_IMAGE_BYTES = int(os.environ.get("MAX_IMAGE_BYTES", 10 * 1024 * 1024))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 32 * 1024 * 1024))
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    PER_PAGE = 24
    # A stamp scanned this often, or from this many distinct networks, is probably copied.
    TRACE_SUSPICIOUS_SCANS = int(os.environ.get("TRACE_SUSPICIOUS_SCANS", 20))
    TRACE_SUSPICIOUS_PLACES = int(os.environ.get("TRACE_SUSPICIOUS_PLACES", 3))

    # Who runs the marketplace, shown on the operating rules page (Nghị định 52/2013/NĐ-CP
    # requires the operator's name, address and contact to be published).
    OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "Ban quản lý Chợ Xã (chưa cấu hình)")
    OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "Địa chỉ đơn vị vận hành (chưa cấu hình)")
    OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "lienhe@example.vn")
    OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "0000 000 000")
    # Search: "whoosh" (index on local disk) or "postgres" (pg_trgm over a folded copy in the database).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "search-index"))
    # Rendered public pages shared by the workers (see pagecache.py); PAGE_CACHE=0 turns it off.
    PAGE_CACHE_DIR = os.environ.get("PAGE_CACHE_DIR", str(INSTANCE_DIR / "pagecache"))
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "1") != "0"
    # Several machines must share the cache and its generation: Redis, as for rate limits.
    PAGE_CACHE_REDIS = os.environ.get("PAGE_CACHE_REDIS", os.environ.get("REDIS_URL", ""))

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PUBLIC_BASE_URL.startswith("https://")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Buyers' reports (báo cáo vi phạm), per account.
    REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "5 per hour;20 per day")

    # Orders and payments.
    ORDER_PAYMENT_HOURS = int(os.environ.get("ORDER_PAYMENT_HOURS", 24))  # unpaid VietQR orders expire
    SEPAY_API_KEY = os.environ.get("SEPAY_API_KEY", "")  # bank webhook refused when unset
    CASSO_CHECKSUM_KEY = os.environ.get("CASSO_CHECKSUM_KEY", "")
    WEBHOOK_MAX_AGE_SECONDS = int(os.environ.get("WEBHOOK_MAX_AGE_SECONDS", 300))
    # Card and e-wallet gateways, collected by the platform's merchant account. A gateway whose
    # credentials are empty is not offered at checkout. *_SANDBOX=0 switches to production.
    VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE", "")
    VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET", "")
    VNPAY_SANDBOX = _bool("VNPAY_SANDBOX", True)
    MOMO_PARTNER_CODE = os.environ.get("MOMO_PARTNER_CODE", "")
    MOMO_ACCESS_KEY = os.environ.get("MOMO_ACCESS_KEY", "")
    MOMO_SECRET_KEY = os.environ.get("MOMO_SECRET_KEY", "")
    MOMO_SANDBOX = _bool("MOMO_SANDBOX", True)
    ZALOPAY_APP_ID = os.environ.get("ZALOPAY_APP_ID", "")
    ZALOPAY_KEY1 = os.environ.get("ZALOPAY_KEY1", "")
    ZALOPAY_KEY2 = os.environ.get("ZALOPAY_KEY2", "")
    ZALOPAY_SANDBOX = _bool("ZALOPAY_SANDBOX", True)
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    # The platform's share of each stall order it collects or the seller collects, in percent
    # ("2.5"); parsed as a decimal, never a float.
    PLATFORM_COMMISSION_PERCENT = os.environ.get("PLATFORM_COMMISSION_PERCENT", "0")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: notifications go to the log
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")

    DEBUG = _bool("FLASK_DEBUG")
    TESTING = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    PUBLIC_BASE_URL = "http://localhost"
    SERVER_NAME = None
    RATELIMIT_STORAGE_URI = "memory://"
