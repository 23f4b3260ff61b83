"""Races with real threads against the real database (SQLite file or PostgreSQL)."""
import threading

from marketplace.catalog.models import Product
from marketplace.core.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import services
from marketplace.orders import status as st
from marketplace.orders.models import CartItem, StallOrder
from marketplace.payments.models import PaymentEvent
from marketplace.payments.providers import Notification
from marketplace.payments import services as payments

BUYERS = 50


def run_threads(app, count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = ("ok", work(i))
            except Conflict as exc:
                results[i] = ("conflict", str(exc.message))
            except Exception as exc:  # recorded, then asserted on: a crash must fail the test
                results[i] = ("error", repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_buyers_race_for_the_last_five_units(app, make):
    product = make.product(unit="hop", stock_milli=5000, min_milli=1000)
    buyers = [make.user(name=f"Người mua {i}") for i in range(BUYERS)]
    for b in buyers:
        db.session.add(CartItem(user_id=b.id, product_id=product.id, quantity_milli=1000))
    db.session.commit()
    buyer_ids = [b.id for b in buyers]
    delivery = make.delivery()

    def buy(i):
        from marketplace.accounts.models import User

        return services.place_order(db.session.get(User, buyer_ids[i]), {}, delivery).code

    results = run_threads(app, BUYERS, buy)
    assert [r for r in results if r[0] == "error"] == []
    winners = [r for r in results if r[0] == "ok"]
    losers = [r for r in results if r[0] == "conflict"]
    assert len(winners) == 5 and len(losers) == BUYERS - 5
    assert all("hết hàng" in message for _, message in losers)
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock_milli == 0
    assert db.session.query(StallOrder).count() == 5


def test_concurrent_replays_of_one_transfer_pay_once(app, make):
    product = make.product(price=30000)
    order = make.order(make.user(), [(product, 1000)])
    so = order.stall_orders[0]
    code, total, account = so.code, so.total, so.stall.bank_account

    def deliver(i):
        event, created = payments.apply_notification(Notification(
            provider="sepay", event_id="777", amount=total, account=account, content=f"MBVCB.123 {code} chuyen tien"))
        return created

    results = run_threads(app, 10, deliver)
    assert [r for r in results if r[0] != "ok"] == []
    assert sum(1 for _, created in results if created) == 1
    db.session.expire_all()
    assert db.session.get(StallOrder, so.id).status == "paid"
    assert db.session.query(PaymentEvent).filter_by(provider="sepay").count() == 1
    history = [h.to_status for h in db.session.get(StallOrder, so.id).history]
    assert history.count("paid") == 1


def test_concurrent_expiry_restocks_once(app, make):
    from datetime import timedelta

    from marketplace.core.timeutil import utcnow

    product = make.product(stock_milli=10_000)
    make.order(make.user(), [(product, 3000)])
    later = utcnow() + timedelta(hours=25)
    results = run_threads(app, 8, lambda i: st.expire_overdue(now=later))
    assert [r for r in results if r[0] != "ok"] == []
    assert sum(count for _, count in results) == 1
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock_milli == 10_000
