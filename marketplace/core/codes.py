"""Short human codes with a check character (orders, shipments): unambiguous to read aloud."""
import secrets

# Crockford-style alphabet: no I, L, O, U, so 0/O and 1/I/L are never confused.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_char(body: str) -> str:
    """Weighted mod-31 check character: catches single substitutions and adjacent swaps
    (all but the 0<->Z pair, whose values differ by exactly 31)."""
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % 31]


def new_code(prefix: str, length: int = 6) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return prefix + body + check_char(body)


def is_valid_code(code: str, prefix: str) -> bool:
    code = (code or "").strip().upper()
    if not code.startswith(prefix) or len(code) < len(prefix) + 2:
        return False
    body, check = code[len(prefix):-1], code[-1]
    return all(ch in ALPHABET for ch in body) and check_char(body) == check
