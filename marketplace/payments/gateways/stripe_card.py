"""Card payments through Stripe Checkout. VND is a zero-decimal currency: amounts are sent in
đồng as they are. Webhooks are verified with stripe.Webhook.construct_event on the raw body."""
from dataclasses import dataclass

import stripe

from . import InvalidSignature, Notification

PAID_EVENTS = {"checkout.session.completed", "payment_intent.succeeded"}


@dataclass(frozen=True)
class Config:
    secret_key: str
    webhook_secret: str


def create_checkout_session(config: Config, reference: str, amount: int, description: str,
                            success_url: str, cancel_url: str, client=None):
    """Create a Checkout Session; the idempotency key makes a retried call return the same session."""
    return stripe.StripeClient(config.secret_key, http_client=client).v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "client_reference_id": reference,
            "metadata": {"reference": reference},
            "payment_intent_data": {"metadata": {"reference": reference}},
            "line_items": [{"quantity": 1, "price_data": {
                "currency": "vnd", "unit_amount": amount, "product_data": {"name": description}}}],
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
        options={"idempotency_key": f"checkout-{reference}"},
    )


def parse_webhook(config: Config, payload: bytes, signature_header: str) -> Notification | None:
    """A verified paid event, None for events we do not act on; InvalidSignature otherwise."""
    try:
        event = stripe.Webhook.construct_event(payload, signature_header, config.webhook_secret)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidSignature("stripe") from exc
    if event["type"] not in PAID_EVENTS:
        return None
    obj = event.to_dict()["data"]["object"]
    if event["type"] == "checkout.session.completed":
        reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("reference", "")
        amount, succeeded = obj.get("amount_total") or 0, obj.get("payment_status") == "paid"
        transaction = obj.get("payment_intent") or obj.get("id", "")
    else:
        reference = (obj.get("metadata") or {}).get("reference", "")
        amount, succeeded = obj.get("amount_received") or 0, True
        transaction = obj.get("id", "")
    return Notification(provider="stripe", event_id=event["id"], reference=reference or "", amount=int(amount),
                        currency=str(obj.get("currency", "")).upper(), succeeded=succeeded, raw=event.to_dict(),
                        transaction_id=str(transaction or ""))
