"""The index follows committed data: visibility changes, renames, rollbacks, several
processes writing at once, rebuilds, and a broken index that must never cost a 500."""
import multiprocessing
import os
import shutil

import pytest

from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.search import services
from marketplace.search.backends.whoosh_backend import WhooshBackend
from marketplace.stalls.models import StallStatus
from tests.search_fixtures import search_backend  # noqa: F401  (fixture)


def found(text: str) -> set[str]:
    return {p.name for p in services.search(text, per_page=60).items}


def test_hidden_deleted_pending_rejected_products_never_appear_and_come_back(search_backend, make):
    stall = make.stall(name="Vườn vải nhà Tiệp")
    p = make.product(stall, name="Vải thiều Phúc Hòa")
    make.product(stall, name="Vải thiều chờ duyệt", status=ProductStatus.PENDING)
    make.product(stall, name="Vải thiều bị từ chối", status=ProductStatus.REJECTED)
    assert found("vai thieu") == {"Vải thiều Phúc Hòa"}

    catalog.set_hidden(stall.owner, p.id, True)
    assert found("vai thieu") == set()
    catalog.set_hidden(stall.owner, p.id, False)
    assert found("vai thieu") == {"Vải thiều Phúc Hòa"}

    catalog.delete_product(stall.owner, p.id)
    assert found("vai thieu") == set()


def test_pending_product_appears_once_approved(search_backend, make):
    commune = make.commune()
    officer = make.officer(commune)
    stall = make.stall(commune_obj=commune)
    p = make.product(stall, name="Mật ong hoa nhãn", status=ProductStatus.PENDING)
    assert found("mat ong") == set()
    catalog.approve_product(officer, p)
    assert found("mat ong") == {"Mật ong hoa nhãn"}


def test_suspended_stall_hides_all_its_products_until_restored(search_backend, make):
    stall = make.stall(name="Gian hàng cô Lan")
    for name in ("Bưởi Diễn", "Bưởi đường lá cam", "Cam Vinh"):
        make.product(stall, name=name)
    other = make.product(make.stall(name="Vườn bưởi ông Năm"), name="Bưởi năm roi")
    assert found("buoi") == {"Bưởi Diễn", "Bưởi đường lá cam", "Bưởi năm roi"}

    stall.status = StallStatus.SUSPENDED
    db.session.commit()
    assert found("buoi") == {other.name}
    assert found("cam vinh") == set()

    stall.status = StallStatus.APPROVED
    db.session.commit()
    assert found("buoi") == {"Bưởi Diễn", "Bưởi đường lá cam", "Bưởi năm roi"}


def test_renamed_commune_and_category_are_searchable_by_new_names(search_backend, make):
    commune = make.commune("Chợ Lách")
    p = make.product(make.stall(commune_obj=commune), name="Chôm chôm", category_name="Trái cây")
    assert found("cho lach") == {p.name}
    commune.name = "Xã Cái Mơn"
    db.session.commit()
    assert found("cai mon") == {p.name}
    assert found("cho lach") == set()
    p.category.name = "Hoa quả"
    db.session.commit()
    assert found("hoa qua") == {p.name}


def test_a_rolled_back_change_never_reaches_the_index(search_backend, make):
    p = make.product(name="Vải thiều Phúc Hòa")
    p.name = "Sầu riêng Ri6"
    db.session.flush()
    make_ghost = type(p)(stall=p.stall, category=p.category, name="Măng cụt ma", slug="x", price=1,
                         status=ProductStatus.APPROVED)
    db.session.add(make_ghost)
    db.session.flush()
    db.session.rollback()
    # A later, unrelated commit must not apply what was rolled back.
    make.product(p.stall, name="Cam sành")
    assert found("sau rieng") == set() and found("mang cut") == set()
    assert found("vai thieu") == {"Vải thiều Phúc Hòa"}


def _write_ids(app, directory, ids, barrier):
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections
        backend = WhooshBackend(directory)
        barrier.wait()
        for pid in ids:
            backend.apply({pid})
    os._exit(0)


def test_several_processes_writing_at_once_lose_nothing(app, tmp_path, make):
    backend = WhooshBackend(tmp_path / "shared-index")
    backend.rebuild()
    app.config["SEARCH_FOLLOW_COMMITS"] = False
    try:
        stall = make.stall()
        ids = [make.product(stall, name=f"Nông sản số {i}").id for i in range(80)]
    finally:
        app.config["SEARCH_FOLLOW_COMMITS"] = True
    assert backend.doc_count() == 0

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_write_ids, args=(app, str(tmp_path / "shared-index"), ids[i::4], barrier))
             for i in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    assert not backend.queue.has_pending()  # every change was applied by whoever held the lock
    assert backend.doc_count() == 80
    assert backend.check() == (set(), set())


def test_a_writer_that_finds_the_lock_taken_leaves_its_ids_for_the_holder(search_backend, make):
    if not isinstance(search_backend, WhooshBackend):
        pytest.skip("only the Whoosh backend has an index to lock")
    p = make.product(name="Vải thiều Phúc Hòa")
    with search_backend.queue.lock(1) as held:
        assert held
        p.name = "Vải thiều sớm"
        db.session.commit()  # must not wait or raise while another process writes
        assert found("som") == set()
    search_backend.flush_pending()
    assert found("som") == {"Vải thiều sớm"}


def test_broken_index_is_served_from_the_database_then_rebuilt(app, client, tmp_path, make):
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild()
    previous, app.extensions["search"] = app.extensions["search"], backend
    try:
        make.product(name="Vải thiều Lục Ngạn")
        gen = backend._current()["gen"]
        backend._close_view()
        backend._local.ix = None
        shutil.rmtree(tmp_path / "index" / gen)
        os.makedirs(tmp_path / "index" / gen)

        result = services.search("vai thieu")
        assert result.fallback and [p.name for p in result.items] == ["Vải thiều Lục Ngạn"]
        assert client.get("/tim-kiem?q=vai+thieu").status_code == 200
        backend._rebuild_thread.join(30)
        result = services.search("vai thieu")
        assert not result.fallback and [p.name for p in result.items] == ["Vải thiều Lục Ngạn"]
    finally:
        app.extensions["search"] = previous


def test_an_index_of_an_older_schema_is_rebuilt(app, tmp_path, make):
    backend = WhooshBackend(tmp_path / "index")
    backend.rebuild()
    previous, app.extensions["search"] = app.extensions["search"], backend
    try:
        make.product(name="Kẹo dừa Bến Tre")
        with open(tmp_path / "index" / "CURRENT", "w") as fh:
            fh.write('{"gen": "gen-old", "schema": 0}')
        assert services.search("keo dua").fallback
        backend._rebuild_thread.join(30)
        assert not services.search("keo dua").fallback
    finally:
        app.extensions["search"] = previous


def test_cli_check_reports_missing_and_reindex_fixes_it(app, search_backend, make):
    make.product(name="Mứt me")
    app.config["SEARCH_FOLLOW_COMMITS"] = False
    try:
        make.product(name="Muối mè")
        stale = make.product(name="Cam sành")
    finally:
        app.config["SEARCH_FOLLOW_COMMITS"] = True
    app.config["SEARCH_FOLLOW_COMMITS"] = False
    stale.price = 99000
    db.session.commit()
    app.config["SEARCH_FOLLOW_COMMITS"] = True
    runner = app.test_cli_runner()
    out = runner.invoke(args=["search", "check"])
    assert out.exit_code == 1 and "missing: 2" in out.output
    out = runner.invoke(args=["search", "reindex"])
    assert out.exit_code == 0 and "Indexed 3 products" in out.output
    out = runner.invoke(args=["search", "check"])
    assert out.exit_code == 0 and "missing: 0  stale: 0" in out.output


def test_bulk_updates_reach_the_index_when_noted(search_backend, make):
    from sqlalchemy import update

    from marketplace.catalog.models import Product
    from marketplace.search import index

    p = make.product(name="Vải thiều Phúc Hòa")
    db.session.execute(update(Product).where(Product.id == p.id).values(hidden=True))
    index.note_products(db.session, [p.id])
    db.session.commit()
    assert found("vai thieu") == set()


def test_workers_finding_the_index_missing_build_it_once(app, tmp_path, make):
    make.product(name="Vải thiều Lục Ngạn")
    first, second = WhooshBackend(tmp_path / "index"), WhooshBackend(tmp_path / "index")  # two workers
    assert first.rebuild(only_if_missing=True) == 1
    generation = first._current()["gen"]
    assert second.rebuild(only_if_missing=True) == 0  # waited for the lock, found it built
    assert second._current()["gen"] == generation
    assert second.rebuild() == 1  # `flask search reindex` still always rebuilds


def test_an_index_change_frees_what_the_previous_view_decoded(search_backend, make):
    """Each change to the index means a new view in every worker; the old one and all it
    decoded (columns, postings) must go at once, not pile up until a garbage collection."""
    import gc
    import weakref

    if not isinstance(search_backend, WhooshBackend):
        pytest.skip("Whoosh only")
    p = make.product(name="Mật ong hoa vải")
    assert found("mat ong") == {"Mật ong hoa vải"}
    with search_backend._view() as view:
        view.columns()
        old = weakref.ref(view)
    del view
    gc.disable()  # only reference counting may free them
    try:
        catalog.set_hidden(p.stall.owner, p.id, True)
        assert found("mat ong") == set()
        assert old() is None
    finally:
        gc.enable()


def test_the_index_is_written_as_separate_files(search_backend, make):
    """A compound segment is read by copying each part into memory, per process."""
    if not isinstance(search_backend, WhooshBackend):
        pytest.skip("Whoosh only")
    p = make.product(name="Mật ong hoa vải")
    catalog.set_hidden(p.stall.owner, p.id, True)
    catalog.set_hidden(p.stall.owner, p.id, False)
    gen = os.path.join(search_backend.dir, search_backend._current()["gen"])
    names = os.listdir(gen)
    assert any(n.endswith(".pst") for n in names) and not any(n.endswith(".seg") for n in names)
