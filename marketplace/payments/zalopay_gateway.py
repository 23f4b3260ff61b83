"""ZaloPay (v2) as a payment method: the create call returns the order_url the buyer is sent to;
refunds and queries through ZaloPay's API. The callback {data, mac, type} marks paid."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import gateway
from .gateways import http, zalopay

REFUND_ACCEPTED = (1, 3)  # 1 refunded, 3 being processed by ZaloPay


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
        answer = http.post_json(config.base_url + "/v2/refund", body, timeout=30)
        if answer.get("return_code") not in REFUND_ACCEPTED:
            raise gateway.GatewayError(f"zalopay {answer.get('return_code')}: {answer.get('return_message', '')}")
        return body["m_refund_id"]

    def query(self, config, payment, now):
        trans_id = payment.provider_ref or zalopay.app_trans_id(payment.reference, payment.created_at)
        return http.post_json(config.base_url + "/v2/query", zalopay.query_body(config, trans_id), timeout=30, retries=2)


ZALOPAY = gateway.register(ZaloPay())
