"""VNPay (v2.1.0) as a payment method: a signed payment URL, refunds and status queries through
VNPay's merchant API. The IPN (GET, api/v1/gateways.py) is what marks paid. A refund VNPay has
accepted but not yet made stays pending until querydr of the payment reports it refunded."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import gateway
from .gateways import http, vnpay

SERVER_IP = "127.0.0.1"  # VNPay asks for the caller's IP in API bodies; informational only


class VNPay(gateway.Gateway):
    code = "vnpay"
    label = _l("VNPAY (thẻ ATM, ứng dụng ngân hàng)")
    notify_path = "/api/v1/payments/vnpay/ipn"

    def config(self):
        c = current_app.config
        if not (c.get("VNPAY_TMN_CODE") and c.get("VNPAY_HASH_SECRET")):
            return None
        return vnpay.Config(c["VNPAY_TMN_CODE"], c["VNPAY_HASH_SECRET"], bool(c.get("VNPAY_SANDBOX", True)))

    def redirect(self, config, payment, urls, client_ip, now):
        url = vnpay.payment_url(config, payment.reference, payment.amount, f"Thanh toan don {payment.order_code}",
                                urls.return_url, client_ip or SERVER_IP, payment.created_at)
        return url, payment.reference

    def refund(self, config, payment, refund, now):
        body = vnpay.refund_body(config, f"RF{refund.refund_id}T{int(now.timestamp())}", payment.reference,
                                 refund.amount, payment.transaction_id, payment.details.get("vnp_PayDate", ""),
                                 "choxa", SERVER_IP, now, f"Hoan tien {payment.reference}", full=refund.full)
        answer = http.post_json(config.api_url, body, timeout=30)
        state, message = vnpay.refund_state(config, answer)
        return gateway.RefundResult(state, str(answer.get("vnp_TransactionNo") or body["vnp_RequestId"]), message)

    def refund_status(self, config, payment, refund, reference, now):
        answer = self.query(config, payment, now)
        state, message = vnpay.refund_query_state(config, answer, refund.amount)
        return gateway.RefundResult(state, reference, message)

    def query(self, config, payment, now):
        body = vnpay.query_body(config, f"Q{int(now.timestamp())}", payment.reference,
                                vnpay.local_stamp(payment.created_at), SERVER_IP, now, f"Tra cuu {payment.reference}")
        return http.post_json(config.api_url, body, timeout=30, retries=2)  # a query changes nothing


VNPAY = gateway.register(VNPay())
