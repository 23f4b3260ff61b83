"""The interface every card and e-wallet gateway implements, on top of the payment-method
registry orders uses. A gateway is collected by the platform's merchant account, so it is
offered for any stall once the operator configured its credentials, and hidden otherwise.

Adding a gateway is one module: subclass Gateway, implement config/redirect/refund/query, and
register it (see vnpay_gateway.py). Provider calls receive a PaymentInfo snapshot, never ORM rows,
so no database transaction is open while the provider is being called."""
from dataclasses import dataclass, field
from datetime import datetime

from ..orders import methods
from ..orders import status as st


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

    def refund(self, config, payment: PaymentInfo, refund: RefundInfo, now: datetime) -> str:
        """Ask the provider to give money back; its refund reference, or GatewayError."""
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
