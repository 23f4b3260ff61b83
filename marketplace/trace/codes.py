"""Stamp codes: `<stamp id in base32><truncated HMAC-SHA256>`, short enough that
`<PUBLIC_BASE_URL>/t/<code>` fits a QR code of version <= 4 at error correction M.

The key is derived from SECRET_KEY for this one purpose, so a leak of a stamp signature
says nothing about sessions or other signed values.
"""
import hashlib
import hmac
import ipaddress

from ..core.codes import ALPHABET

SIGNATURE_CHARS = 10  # 50 bits: guessing a valid code takes ~10^15 tries
_PURPOSE = b"choxa/trace/stamp/v1"


def derive_key(secret_key: str, purpose: bytes = _PURPOSE) -> bytes:
    return hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()


def _b32(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 32)
        digits = ALPHABET[rest] + digits
        if number == 0:
            return digits


def _signature(key: bytes, stamp_id: int) -> str:
    mac = hmac.new(key, b"stamp:%d" % stamp_id, hashlib.sha256).digest()
    value = int.from_bytes(mac[:8], "big") >> (64 - 5 * SIGNATURE_CHARS)
    return _b32(value).rjust(SIGNATURE_CHARS, "0")


def make_code(key: bytes, stamp_id: int) -> str:
    """The public code of a stamp."""
    return _b32(stamp_id) + _signature(key, stamp_id)


def parse_code(key: bytes, code: str) -> int | None:
    """The stamp id a code carries when its signature is right; None for any other text."""
    code = (code or "").strip().upper()
    # Ids are 32-bit (7 base32 characters at most), so a longer code is not ours.
    if not 1 + SIGNATURE_CHARS <= len(code) <= 7 + SIGNATURE_CHARS or any(ch not in ALPHABET for ch in code):
        return None
    body, signature = code[:-SIGNATURE_CHARS], code[-SIGNATURE_CHARS:]
    stamp_id = 0
    for ch in body:
        stamp_id = stamp_id * 32 + ALPHABET.index(ch)
    # Leading zeros would give a second spelling of the same stamp; only the canonical one is valid.
    if _b32(stamp_id) != body:
        return None
    if not hmac.compare_digest(_signature(key, stamp_id), signature):
        return None
    return stamp_id


def network_place(key: bytes, ip: str | None) -> str:
    """A keyed hash of the client's network (IPv4 /16, IPv6 /32): distinct places can be
    counted, the address cannot be recovered."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    prefix = 16 if address.version == 4 else 32
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:16]


def client_family(user_agent: str | None) -> str:
    """'Android · Chrome' style summary of a User-Agent: enough to tell phones from bots."""
    ua = (user_agent or "").lower()
    system = next((name for token, name in (
        ("android", "Android"), ("iphone", "iOS"), ("ipad", "iOS"), ("windows", "Windows"),
        ("mac os", "macOS"), ("linux", "Linux"),
    ) if token in ua), "?")
    app = next((name for token, name in (
        ("zalo", "Zalo"), ("fban", "Facebook"), ("fbav", "Facebook"), ("coc_coc", "Cốc Cốc"),
        ("edg/", "Edge"), ("chrome", "Chrome"), ("firefox", "Firefox"), ("safari", "Safari"),
        ("bot", "Bot"), ("python", "Script"), ("curl", "Script"),
    ) if token in ua), "?")
    return f"{system} · {app}"


# Search engines and link previews (a stamp's link pasted into a chat is fetched by the chat's
# server from its own network): their visits are not people scanning a stamp.
ROBOT_TOKENS = ("bot", "crawl", "spider", "slurp", "facebookexternalhit", "preview", "python", "curl", "wget")


def is_robot(user_agent: str | None) -> bool:
    ua = (user_agent or "").lower()
    return any(token in ua for token in ROBOT_TOKENS)


def gtin_check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)
