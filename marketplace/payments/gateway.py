"""The interface every card and e-wallet gateway implements, on top of the payment-method
registry orders uses. A gateway is collected by the platform's merchant account, so it is
offered for any stall once the operator configured its credentials, and hidden otherwise.

Adding a gateway is one module: subclass Gateway, implement config/redirect/refund/refund_status/query, and
register it (see vnpay_gateway.py). Provider calls receive a PaymentInfo snapshot, never ORM rows,
so no database transaction is open while the provider is being called."""
from dataclasses import dataclass, field
from datetime import datetime

from ..orders import methods
from ..orders import status as st
from .gateways import DONE, FAILED, PENDING  # noqa: F401  (re-exported: refund states)


class GatewayError(Exception):
    """The provider answered, but refused the request (its message is kept for a person)."""


@dataclass(frozen=True)
class PaymentInfo:
    """What a provider call needs to know about a gateway payment."""

    reference: str
    amount: int
    order_code: str
    created_at: datetime
    transaction_id: str = ""
    provider_ref: str = ""
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Urls:
    return_url: str  # where the provider sends the buyer back (display only)
    notify_url: str  # server-to-server notification
    cancel_url: str  # the order page


@dataclass(frozen=True)
class RefundInfo:
    refund_id: int
    amount: int
    reason: str
    full: bool


@dataclass(frozen=True)
class RefundResult:
    """The provider's word on a refund: DONE, PENDING (processing, or no answer) or FAILED."""

    state: str
    reference: str = ""  # what refund_status needs to find the refund again at the provider
    message: str = ""  # the provider's own words, kept for a person


class Gateway:
    code = ""
    label = ""
    initial_status = st.PENDING_PAYMENT
    expires = True  # unpaid gateway orders expire like VietQR ones
    gateway = True
    notify_path = ""  # our notification endpoint, given to providers that take it per request

    # ---- the payment-method protocol (orders/methods.py)
    def available_for(self, stall) -> bool:
        return self.config() is not None

    def instructions(self, stall_order) -> dict:
        return {"method": self.code, "gateway": True, "amount": stall_order.total,
                "pay_path": f"/don-hang/{stall_order.order.code}/thanh-toan/{self.code}"}

    # ---- what each provider module implements
    def config(self):
        """The provider's protocol Config from the app configuration, or None when unconfigured."""
        raise NotImplementedError

    def redirect(self, config, payment: PaymentInfo, urls: Urls, client_ip: str, now: datetime) -> tuple[str, str]:
        """(URL to send the buyer to, the provider's id for this payment)."""
        raise NotImplementedError

    def refund(self, config, payment: PaymentInfo, refund: RefundInfo, now: datetime) -> RefundResult:
        """Ask the provider to give money back. GatewayError or GatewayUnavailable mean FAILED
        (nothing moved); a provider whose refunds can be looked up by our own id returns PENDING
        instead when it did not answer, so the refund is never sent twice."""
        raise NotImplementedError

    def refund_status(self, config, payment: PaymentInfo, refund: RefundInfo, reference: str,
                      now: datetime) -> RefundResult:
        """Ask the provider where a PENDING refund stands (`reference` as refund() returned it).
        Read-only at the provider; errors mean the question went unanswered, not the refund."""
        raise NotImplementedError

    def query(self, config, payment: PaymentInfo, now: datetime) -> dict:
        """The provider's view of the payment (informational: only notifications mark paid)."""
        raise NotImplementedError


GATEWAYS: dict[str, Gateway] = {}


def register(gateway: Gateway) -> Gateway:
    GATEWAYS[gateway.code] = gateway
    methods.register(gateway)
    return gateway


def get(code: str) -> Gateway | None:
    return GATEWAYS.get(code)


def configured() -> list[Gateway]:
    return [g for g in GATEWAYS.values() if g.config() is not None]


def is_gateway(method_code: str) -> bool:
    return method_code in GATEWAYS
