"""Card payments through Stripe Checkout as a payment method, for buyers abroad. The Checkout
Session and refunds go through the stripe library (idempotency keys on every create); the
webhook (raw body, construct_event) marks paid. A refund Stripe reports pending (or waiting for
the customer's action) stays pending until it is retrieved succeeded, failed or canceled."""
import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import gateway
from .gateways import stripe_card

REFUND_STATES = {"succeeded": gateway.DONE, "failed": gateway.FAILED, "canceled": gateway.FAILED}


class Stripe(gateway.Gateway):
    code = "stripe"
    label = _l("Thẻ quốc tế (Visa, Mastercard) qua Stripe")
    notify_path = "/api/v1/payments/stripe/webhook"
    http_client = None  # the stripe library's default; tests put a recording client here

    def config(self):
        c = current_app.config
        if not (c.get("STRIPE_SECRET_KEY") and c.get("STRIPE_WEBHOOK_SECRET")):
            return None
        return stripe_card.Config(c["STRIPE_SECRET_KEY"], c["STRIPE_WEBHOOK_SECRET"])

    def _client(self, config):
        return stripe.StripeClient(config.secret_key, http_client=self.http_client)

    def redirect(self, config, payment, urls, client_ip, now):
        try:
            session = stripe_card.create_checkout_session(config, payment.reference, payment.amount,
                                                          f"Chợ Xã — đơn {payment.order_code}", urls.return_url,
                                                          urls.cancel_url, client=self.http_client)
        except stripe.StripeError as exc:
            raise gateway.GatewayError(f"stripe: {exc.user_message or exc}") from exc
        return session.url, session.id

    def refund(self, config, payment, refund, now):
        try:
            result = self._client(config).v1.refunds.create(
                params={"payment_intent": payment.transaction_id, "amount": refund.amount,
                        "metadata": {"reference": payment.reference}},
                options={"idempotency_key": f"refund-{payment.reference}-{refund.refund_id}"})
        except stripe.StripeError as exc:
            raise gateway.GatewayError(f"stripe: {exc.user_message or exc}") from exc
        return _result(result)

    def refund_status(self, config, payment, refund, reference, now):
        try:
            return _result(self._client(config).v1.refunds.retrieve(reference))
        except stripe.StripeError as exc:
            raise gateway.GatewayError(f"stripe: {exc.user_message or exc}") from exc

    def query(self, config, payment, now):
        try:
            return self._client(config).v1.checkout.sessions.retrieve(payment.provider_ref).to_dict()
        except stripe.StripeError as exc:
            raise gateway.GatewayError(f"stripe: {exc.user_message or exc}") from exc


def _result(refund) -> gateway.RefundResult:
    """A Stripe Refund object's status: pending and requires_action are still in flight."""
    data = refund.to_dict()
    status = str(data.get("status") or "")
    message = f"stripe {status}" + (f": {data['failure_reason']}" if data.get("failure_reason") else "")
    return gateway.RefundResult(REFUND_STATES.get(status, gateway.PENDING), str(data.get("id") or ""), message)


STRIPE = gateway.register(Stripe())
