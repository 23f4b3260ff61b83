"""Gateway refunds the provider is still processing: pending (shown as such to the seller, the
officer and the buyer) until the provider's own status query says refunded or refused, from the
officer's "Kiểm tra lại" button or `flask payments check-refunds`; the done path's status change,
ledger entry and audit row are written exactly once, also when checks race (real threads)."""
import logging
import threading

from marketplace.accounts.models import User
from marketplace.core.audit import AuditEntry
from marketplace.extensions import db
from marketplace.orders import status as st
from marketplace.orders.models import StallOrder
from marketplace.payments import gateway_services, ledger, refunds
from marketplace.payments.gateways import http
from marketplace.payments.models import LedgerEntry, Refund
from tests import factories
from tests import gateway_notifications as gn
from tests.conftest import login
from tests.factories import bearer
from tests.gateway_notifications import gateways  # noqa: F401  (fixture)
from tests.test_orders_concurrency import run_threads

S = gn.SETTINGS
PENDING_LABEL = "Đang xử lý, chờ cổng thanh toán xác nhận"


def paid_order(client, make, provider, price=50000):
    product = make.product(price=price, stock_milli=20_000)
    order = make.order(make.user(name="Người mua"), [(product, 2000)], methods={product.stall_id: provider})
    payment = gateway_services.start_payment(order.buyer, order.code, provider)
    assert gn.deliver(client, provider, payment.reference, payment.amount).status_code in (200, 204)
    return order, order.stall_orders[0], payment


def calls_to(gateways, endpoint):
    return [c for c in gateways.calls if c["url"].endswith(endpoint)]


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def actions(so) -> list[str]:
    return [a for (a,) in db.session.query(AuditEntry.action).filter(
        AuditEntry.target_type == "stallorder", AuditEntry.target_id == so.id,
        AuditEntry.action.like("payment.refund_%")).order_by(AuditEntry.id)]


def check_refunds_cli(app):
    return app.test_cli_runner().invoke(args=["payments", "check-refunds"])


def test_zalopay_refund_in_process_stays_pending_until_zalopay_confirms_it(app, client, make, gateways):
    order, so, _ = paid_order(client, make, "zalopay")
    officer = make.officer(so.stall.commune)
    gateways.answer("/v2/refund", gn.zalopay_answer(3, refund_id=7771))  # "Giao dịch đang xử lý"
    login(client, so.stall.owner)
    page = client.post("/hoan-tien", data={"code": so.code, "reason": "Hết hàng",
                                           "next": f"/gian-hang-cua-toi/don-hang/{so.code}"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Cổng thanh toán đang xử lý hoàn tiền" in html and PENDING_LABEL in html
    refund = db.session.query(Refund).one()
    sent = calls_to(gateways, "/v2/refund")[0]["body"]
    assert refund.status == "pending" and refund.provider_reference == sent["m_refund_id"]
    assert fresh(StallOrder, so.id).status == st.REFUND_PENDING  # not refunded: ZaloPay has not said so
    assert actions(so) == ["payment.refund_started", "payment.refund_pending"]

    login(client, order.buyer)
    html = client.get(f"/don-hang/{order.code}").get_data(as_text=True)
    assert "Chờ hoàn tiền" in html and PENDING_LABEL in html
    # The money is in flight: no second refund of it.
    r = client.post("/api/v1/refunds", json={"stall_order": so.code, "reason": "lần nữa"}, headers=bearer(officer))
    assert r.status_code == 409 and "đang chờ cổng thanh toán xác nhận" in r.get_json()["error"]["message"]

    login(client, officer)
    html = client.get("/quan-ly/hoan-tien").get_data(as_text=True)
    assert so.code in html and "Kiểm tra lại" in html and PENDING_LABEL in html
    gateways.answer("/v2/query_refund", gn.zalopay_answer(3))
    page = client.post(f"/quan-ly/hoan-tien/{refund.id}/kiem-tra", follow_redirects=True)
    assert "vẫn đang xử lý" in page.get_data(as_text=True)
    query = calls_to(gateways, "/v2/query_refund")[0]
    body = query["body"]
    assert set(body) == {"app_id", "m_refund_id", "timestamp", "mac"} and body["app_id"] == 2553
    assert body["m_refund_id"] == sent["m_refund_id"]
    assert body["mac"] == gn.hmac_hex(S["ZALOPAY_KEY1"], f"2553|{sent['m_refund_id']}|{body['timestamp']}", "sha256")
    assert not query["in_transaction"]
    refund = fresh(Refund, refund.id)
    assert refund.status == "pending" and refund.checked_at is not None and "đang xử lý" in refund.error

    gateways.answer("/v2/query_refund", gn.zalopay_answer(1))  # ZaloPay has given the money back
    result = check_refunds_cli(app)
    assert result.exit_code == 0 and "checked 1 pending refund(s): done 1" in result.output
    refund = fresh(Refund, refund.id)
    assert refund.status == "done" and refund.completed_at and refund.error == ""
    assert fresh(StallOrder, so.id).status == st.REFUNDED
    assert actions(so) == ["payment.refund_started", "payment.refund_pending", "payment.refund_done"]
    login(client, order.buyer)
    html = client.get(f"/don-hang/{order.code}").get_data(as_text=True)
    assert "Đã hoàn tiền" in html and PENDING_LABEL not in html
    assert "checked 0 pending refund(s)" in check_refunds_cli(app).output


def test_refusal_marks_the_refund_failed_with_zalopays_words_and_the_money_due_again(client, make, gateways):
    order, so, _ = paid_order(client, make, "zalopay")
    officer = make.officer(so.stall.commune)
    gateways.answer("/v2/refund", gn.zalopay_answer(3))
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")
    # A rate-limited question is no answer about the refund; a refusal is.
    gateways.answer("/v2/query_refund", gn.zalopay_answer(2, sub=-429, message="Vượt giới hạn truy vấn"),
                    gn.zalopay_answer(2, sub=-13, message="Số dư tài khoản không đủ để hoàn tiền"))
    assert refunds.check_refund(officer, refund.id).status == "pending"
    refund = refunds.check_refund(officer, refund.id)
    assert refund.status == "failed" and "Số dư tài khoản không đủ để hoàn tiền" in refund.error
    assert fresh(StallOrder, so.id).status == st.REFUND_PENDING
    assert actions(so)[-1] == "payment.refund_failed"
    login(client, so.stall.owner)
    html = client.get(f"/gian-hang-cua-toi/don-hang/{so.code}").get_data(as_text=True)
    assert "Cổng chưa hoàn được" in html and "Số dư tài khoản không đủ để hoàn tiền" in html
    assert "Hoàn tiền cho người mua" in html  # the refund is due again
    assert refunds.start_refund(officer, so.code, "Hoàn lại").status == "done"
    assert fresh(StallOrder, so.id).status == st.REFUNDED
    assert [r.status for r in db.session.query(Refund).order_by(Refund.id)] == ["failed", "done"]


def test_concurrent_checks_write_the_done_path_exactly_once(app, client, make, gateways):
    order, so, _ = paid_order(client, make, "zalopay")
    factories.delivered(so)  # credited to the stall: a refund now reverses part of it
    officer_id, stall_id = make.officer(so.stall.commune).id, so.stall_id
    credited = ledger.balance(stall_id)
    gateways.answer("/v2/refund", gn.zalopay_answer(3))
    refund = refunds.start_refund(so.stall.owner, so.code, "Một hũ bị vỡ", 40_000)
    assert refund.status == "pending" and ledger.balance(stall_id) == credited
    refund_id, threads = refund.id, 8
    # Every check has asked ZaloPay (and seen the refund pending) before any answer comes back.
    all_asked = threading.Barrier(threads)

    def refunded(body):
        all_asked.wait(timeout=30)
        return gn.zalopay_answer(1)

    gateways.answer("/v2/query_refund", *[refunded] * threads)

    def check(i):
        if i % 2:
            return refunds.check_pending_refunds()["done"]
        return refunds.check_refund(db.session.get(User, officer_id), refund_id).status

    results = run_threads(app, threads, check)
    assert [r for r in results if r[0] != "ok"] == []
    assert len(calls_to(gateways, "/v2/query_refund")) == threads
    # Every caller sees the refund done (the cron runs count it): one settled it, the others found it settled.
    assert [value for _, value in results] == [1 if i % 2 else "done" for i in range(threads)]
    db.session.expire_all()
    assert db.session.get(Refund, refund_id).status == "done"
    assert actions(so).count("payment.refund_done") == 1
    reversing = db.session.query(LedgerEntry).filter_by(stall_order_id=so.id, kind="refund").all()
    assert len(reversing) == 1 and reversing[0].reference == f"RF{refund_id}"
    assert ledger.balance(stall_id) == credited + reversing[0].amount and reversing[0].amount < 0


def test_momo_refund_being_processed_is_pending_and_settled_by_refund_query(client, make, gateways):
    order, so, payment = paid_order(client, make, "momo")
    officer = make.officer(so.stall.commune)
    gateways.answer("/v2/gateway/api/refund", lambda body: gn.momo_refund_answer(body, result=7000))
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")  # taken as a refusal before
    assert refund.status == "pending" and refund.provider_reference == f"{payment.reference}-R{refund.id}"
    assert fresh(StallOrder, so.id).status == st.REFUND_PENDING
    gateways.answer("/v2/gateway/api/refund/query",
                    lambda body: gn.momo_refund_query_answer(body, refunds=[(so.total, 7002)]))
    assert refunds.check_refund(officer, refund.id).status == "pending"
    assert refunds.check_refund(officer, refund.id).status == "done"  # MoMo lists it refunded (0)
    body = calls_to(gateways, "/v2/gateway/api/refund/query")[-1]["body"]
    raw = (f"accessKey={S['MOMO_ACCESS_KEY']}&orderId={payment.reference}-R{refund.id}"
           f"&partnerCode={S['MOMO_PARTNER_CODE']}&requestId={body['requestId']}")
    assert body["orderId"] == f"{payment.reference}-R{refund.id}" and body["requestId"] != body["orderId"]
    assert body["signature"] == gn.hmac_hex(S["MOMO_SECRET_KEY"], raw, "sha256")
    assert fresh(StallOrder, so.id).status == st.REFUNDED


def test_momo_unanswered_refund_is_asked_about_not_sent_twice(client, make, gateways):
    order, so, payment = paid_order(client, make, "momo")
    officer = make.officer(so.stall.commune)
    gateways.answer("/v2/gateway/api/refund", http.GatewayUnavailable("timed out"))
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")
    assert refund.status == "pending"
    gateways.answer("/v2/gateway/api/refund/query", lambda body: gn.momo_refund_query_answer(
        body, result=42, message="orderId không tồn tại"))  # MoMo never received it
    refund = refunds.check_refund(officer, refund.id)
    assert refund.status == "failed" and "không tồn tại" in refund.error
    assert len(calls_to(gateways, "/v2/gateway/api/refund")) == 1
    assert refunds.start_refund(officer, so.code, "Hoàn lại").status == "done"


def test_vnpay_refund_accepted_but_not_made_is_pending_until_querydr_reports_it(client, make, gateways):
    order, so, payment = paid_order(client, make, "vnpay")
    officer = make.officer(so.stall.commune)
    api = "/merchant_webapi/api/transaction"
    gateways.answer(api, lambda body: gn.vnpay_answer(body, code="00", status="05"))  # VNPay processing it
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")  # taken as done before
    assert refund.status == "pending" and fresh(StallOrder, so.id).status == st.REFUND_PENDING
    amount = str(so.total * 100)
    gateways.answer(api, lambda body: gn.vnpay_answer(body, status="00", kind="01", amount=amount),  # no refund yet
                    lambda body: gn.vnpay_answer(body, status="00", kind="02", amount=amount, signed=False),
                    lambda body: gn.vnpay_answer(body, status="06", kind="02", amount=amount))
    for _ in range(3):  # not reported, not signed, sent to the bank: none of them is a refund made
        assert refunds.check_refund(officer, refund.id).status == "pending"
    gateways.answer(api, lambda body: gn.vnpay_answer(body, status="00", kind="02", amount=amount))
    assert refunds.check_refund(officer, refund.id).status == "done"
    query = gateways.calls[-1]
    assert query["body"]["vnp_Command"] == "querydr" and query["body"]["vnp_TxnRef"] == payment.reference
    assert fresh(StallOrder, so.id).status == st.REFUNDED


def test_vnpay_refund_refused_fails_and_an_unsigned_success_is_not_believed(client, make, gateways):
    order, so, _ = paid_order(client, make, "vnpay")
    api = "/merchant_webapi/api/transaction"
    gateways.answer(api, lambda body: gn.vnpay_answer(body, code="95"))
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")
    assert refund.status == "failed" and refund.error.startswith("vnpay 95")
    gateways.answer(api, lambda body: gn.vnpay_answer(body, status="00", signed=False))
    assert refunds.start_refund(so.stall.owner, so.code, "Hết hàng").status == "pending"


def test_stripe_pending_refund_is_retrieved_until_it_succeeds(client, make, gateways):
    order, so, _ = paid_order(client, make, "stripe")
    gateways.stripe.refund_statuses[:] = ["pending", "pending", "succeeded"]
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")
    assert refund.status == "pending" and refund.provider_reference == "re_choxa_1"
    officer = make.officer(so.stall.commune)
    assert refunds.check_refund(officer, refund.id).status == "pending"
    assert refunds.check_refund(officer, refund.id).status == "done"
    retrieve = gateways.stripe.calls[-1]
    assert retrieve["method"] == "get" and retrieve["url"].endswith("/v1/refunds/re_choxa_1")


def test_only_officers_of_the_commune_and_admins_may_check_a_refund(client, make, gateways, caplog, monkeypatch):
    # Alembic's fileConfig (the migrations test) disables existing loggers for the rest of the run.
    monkeypatch.setattr(logging.getLogger("marketplace.authz"), "disabled", False)
    order, so, _ = paid_order(client, make, "zalopay")
    gateways.answer("/v2/refund", gn.zalopay_answer(3))
    refund = refunds.start_refund(so.stall.owner, so.code, "Hết hàng")
    url = f"/quan-ly/hoan-tien/{refund.id}/kiem-tra"
    assert client.post(url).status_code == 302  # to the login page
    login(client, so.stall.owner)
    assert client.post(url).status_code == 403
    other = make.officer(make.commune(name_contains="Hải"))
    login(client, other)
    assert client.post(url).status_code == 404
    assert so.code not in client.get("/quan-ly/hoan-tien").get_data(as_text=True)
    assert f"user={other.id} action=refund.check target=Refund:{refund.id}" in caplog.text  # logged
    assert calls_to(gateways, "/v2/query_refund") == []
    login(client, make.user(name="Quản trị", admin=True))
    assert client.post(url).status_code == 302
    assert fresh(Refund, refund.id).status == "done"
    assert client.post(f"/quan-ly/hoan-tien/{refund.id + 99}/kiem-tra").status_code == 404
    assert len(calls_to(gateways, "/v2/query_refund")) == 1
    assert client.post(url).status_code == 302  # settled: nothing more to ask
    assert len(calls_to(gateways, "/v2/query_refund")) == 1


def test_check_refunds_command_keeps_going_when_the_provider_does_not_answer(app, client, make, gateways):
    first, so1, _ = paid_order(client, make, "zalopay")
    second, so2, _ = paid_order(client, make, "zalopay")
    gateways.answer("/v2/refund", gn.zalopay_answer(3), gn.zalopay_answer(3))
    one = refunds.start_refund(so1.stall.owner, so1.code, "Hết hàng")
    two = refunds.start_refund(so2.stall.owner, so2.code, "Hết hàng")
    gateways.answer("/v2/query_refund", http.GatewayUnavailable("timed out"), gn.zalopay_answer(1))
    result = check_refunds_cli(app)
    assert result.exit_code == 0, result.output
    assert "checked 2 pending refund(s): done 1, failed 0, pending 1, error 0" in result.output
    assert (fresh(Refund, one.id).status, fresh(Refund, two.id).status) == ("pending", "done")
    assert "status unknown" in fresh(Refund, one.id).error
