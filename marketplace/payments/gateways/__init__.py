"""Card and e-wallet gateways (VNPay, MoMo, ZaloPay, Stripe): each module implements its
provider's published protocol — request signing, notification verification, refunds — as
plain functions over a config object, so tests can check them against the specifications."""
from dataclasses import dataclass, field


# Where a refund stands at the provider. Only DONE means the money went back; PENDING (accepted
# and still processing, or no answer) is settled later by asking the provider; FAILED means
# the provider refused it and nothing moved.
DONE, PENDING, FAILED = "done", "pending", "failed"


class InvalidSignature(Exception):
    """A notification whose signature does not verify: never applied."""


@dataclass(frozen=True)
class Notification:
    """A verified server-to-server notification, reduced to what the ledger needs."""

    provider: str
    event_id: str  # unique per provider: applied at most once
    reference: str  # our payment reference (order code) as sent to the provider
    amount: int  # VND
    currency: str
    succeeded: bool
    raw: dict = field(default_factory=dict)
    # The provider's id of the money movement (VNPay TransactionNo, MoMo transId, ZaloPay
    # zp_trans_id, Stripe PaymentIntent): two events naming one transaction are one payment.
    transaction_id: str = ""
