"""Payment methods as orders sees them. Each provider module in marketplace/payments registers
itself here, so orders never imports payments (dependencies point one way) and a gateway is
added by writing one module."""
from typing import Protocol


class PaymentMethod(Protocol):
    code: str  # stored on the stall order: "vietqr", "cod", ...
    label: str
    initial_status: str  # the stall order's first status
    expires: bool  # unpaid orders expire after ORDER_PAYMENT_HOURS

    def available_for(self, stall) -> bool: ...

    def instructions(self, stall_order) -> dict:
        """What the buyer needs to pay (shown on the order page and in the API)."""


METHODS: dict[str, PaymentMethod] = {}


def register(method: PaymentMethod) -> PaymentMethod:
    METHODS[method.code] = method
    return method


def available(stall) -> list[PaymentMethod]:
    return [m for m in METHODS.values() if m.available_for(stall)]


def get(code: str) -> PaymentMethod | None:
    return METHODS.get(code)
