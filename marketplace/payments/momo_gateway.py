"""MoMo (AIO v2, captureWallet) as a payment method: the create call returns the payUrl the buyer
is sent to; refunds and queries through MoMo's API. The IPN (POST, answered 204) marks paid. A
refund MoMo is still processing stays pending until refund/query reports its result."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import gateway
from .gateways import http, momo


class MoMo(gateway.Gateway):
    code = "momo"
    label = _l("Ví MoMo")
    notify_path = "/api/v1/payments/momo/ipn"

    def config(self):
        c = current_app.config
        if not (c.get("MOMO_PARTNER_CODE") and c.get("MOMO_ACCESS_KEY") and c.get("MOMO_SECRET_KEY")):
            return None
        return momo.Config(c["MOMO_PARTNER_CODE"], c["MOMO_ACCESS_KEY"], c["MOMO_SECRET_KEY"],
                           bool(c.get("MOMO_SANDBOX", True)))

    def redirect(self, config, payment, urls, client_ip, now):
        body = momo.create_body(config, payment.reference, payment.reference, payment.amount,
                                f"Thanh toan don {payment.order_code}", urls.return_url, urls.notify_url)
        # Not retried: a second create with the same orderId is refused by MoMo anyway.
        answer = http.post_json(momo.create_url(config), body, timeout=momo.TIMEOUT)
        if answer.get("resultCode") != 0 or not answer.get("payUrl"):
            raise gateway.GatewayError(f"momo {answer.get('resultCode')}: {answer.get('message', '')}")
        return str(answer["payUrl"]), payment.reference

    def refund(self, config, payment, refund, now):
        refund_id = refund_order_id(payment, refund)
        body = momo.refund_body(config, refund_id, refund_id, refund.amount, payment.transaction_id, refund.reason[:200])
        try:
            answer = http.post_json(config.base_url + "/v2/gateway/api/refund", body, timeout=momo.TIMEOUT)
        except http.GatewayUnavailable as exc:
            # MoMo may have taken it: refund/query by its orderId finds out; never send a second one.
            return gateway.RefundResult(gateway.PENDING, refund_id, f"momo: no answer ({exc})")
        state, message = momo.refund_state(answer)
        reference = str(answer.get("transId") or refund_id) if state == gateway.DONE else refund_id
        return gateway.RefundResult(state, reference, message)

    def refund_status(self, config, payment, refund, reference, now):
        refund_id = refund_order_id(payment, refund)
        body = momo.query_body(config, refund_id, f"{refund_id}-Q{int(now.timestamp())}")
        answer = http.post_json(momo.refund_query_url(config), body, timeout=momo.TIMEOUT, retries=2)
        state, message, trans_id = momo.refund_query_state(answer, refund_id, refund.amount)
        return gateway.RefundResult(state, trans_id or refund_id, message)

    def query(self, config, payment, now):
        body = momo.query_body(config, payment.reference, f"{payment.reference}-Q{int(now.timestamp())}")
        return http.post_json(config.base_url + "/v2/gateway/api/query", body, timeout=momo.TIMEOUT, retries=2)


def refund_order_id(payment, refund) -> str:
    """The refund's own orderId at MoMo (it must differ from the payment's), also its requestId."""
    return f"{payment.reference}-R{refund.refund_id}"


MOMO = gateway.register(MoMo())
