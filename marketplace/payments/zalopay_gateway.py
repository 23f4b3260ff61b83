"""ZaloPay (v2) as a payment method: the create call returns the order_url the buyer is sent to;
refunds and queries through ZaloPay's API. The callback {data, mac, type} marks paid. A refund
is asynchronous: "processing" stays pending until /v2/query_refund says refunded or refused."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import gateway
from .gateways import http, zalopay

class ZaloPay(gateway.Gateway):
    code = "zalopay"
    label = _l("Ví ZaloPay")
    notify_path = "/api/v1/payments/zalopay/callback"

    def config(self):
        c = current_app.config
        app_id = str(c.get("ZALOPAY_APP_ID") or "")
        if not (app_id.isdigit() and c.get("ZALOPAY_KEY1") and c.get("ZALOPAY_KEY2")):
            return None
        return zalopay.Config(int(app_id), c["ZALOPAY_KEY1"], c["ZALOPAY_KEY2"], bool(c.get("ZALOPAY_SANDBOX", True)))

    def redirect(self, config, payment, urls, client_ip, now):
        body = zalopay.create_body(config, payment.reference, payment.amount, f"Cho Xa - thanh toan don {payment.order_code}",
                                   "choxa", urls.notify_url, urls.return_url, payment.created_at)
        answer = http.post_json(config.base_url + "/v2/create", body, timeout=30)
        if answer.get("return_code") != 1 or not answer.get("order_url"):
            raise gateway.GatewayError(f"zalopay {answer.get('return_code')}: {answer.get('return_message', '')}")
        return str(answer["order_url"]), body["app_trans_id"]

    def refund(self, config, payment, refund, now):
        body = zalopay.refund_body(config, payment.transaction_id, refund.amount, refund.reason[:100] or "Hoan tien",
                                   now, f"{refund.refund_id}")
        try:
            answer = http.post_json(config.base_url + "/v2/refund", body, timeout=30)
        except http.GatewayUnavailable as exc:
            # ZaloPay may have taken it: its m_refund_id finds out, a second refund must not be sent.
            return gateway.RefundResult(gateway.PENDING, body["m_refund_id"], f"zalopay: no answer ({exc})")
        state, message = zalopay.refund_state(answer)
        return gateway.RefundResult(state, body["m_refund_id"], message)

    def refund_status(self, config, payment, refund, reference, now):
        answer = http.post_json(config.base_url + "/v2/query_refund", zalopay.query_refund_body(config, reference, now),
                                timeout=30, retries=2)  # a query changes nothing
        state, message = zalopay.refund_state(answer, query=True)
        return gateway.RefundResult(state, reference, message)

    def query(self, config, payment, now):
        trans_id = payment.provider_ref or zalopay.app_trans_id(payment.reference, payment.created_at)
        return http.post_json(config.base_url + "/v2/query", zalopay.query_body(config, trans_id), timeout=30, retries=2)


ZALOPAY = gateway.register(ZaloPay())
