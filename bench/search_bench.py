"""Search benchmark (measured, not a test): `make bench-search [N=100000]`.

Generates N products with realistic Vietnamese names into a scratch SQLite database, builds
the Whoosh index, and prints build time, index size and latency percentiles of 1,000 mixed
queries (folded, accented, one typo, facet-filtered; BENCH_QUERIES to change the count) and of
suggestions. With BENCH_DATABASE_URL set (a PostgreSQL database it may wipe) the PostgreSQL backend is measured
on the same catalogue too."""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.catalog.models import Category, Product, ProductStatus  # noqa: E402
from marketplace.communes.models import Commune, Village  # noqa: E402
from marketplace.config import Config  # noqa: E402
from marketplace.core.text import fold, slugify  # noqa: E402
from marketplace.core.timeutil import utcnow  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.search import services  # noqa: E402
from marketplace.search.backends.postgres_backend import PostgresBackend  # noqa: E402
from marketplace.stalls.models import Stall, StallStatus  # noqa: E402
from marketplace.accounts.models import User  # noqa: E402

BASES = {
    "Trái cây": ["Vải thiều", "Bưởi da xanh", "Bưởi Diễn", "Cam sành", "Nhãn lồng", "Chôm chôm", "Sầu riêng",
                 "Măng cụt", "Xoài cát Hòa Lộc", "Thanh long ruột đỏ", "Dừa xiêm", "Dừa sáp", "Ổi nữ hoàng",
                 "Mít Thái", "Chuối tiêu hồng", "Dưa hấu", "Na dai", "Hồng không hạt", "Mận hậu", "Táo xanh"],
    "Mật ong": ["Mật ong hoa vải", "Mật ong rừng", "Mật ong bạc hà", "Mật ong hoa nhãn", "Sáp ong"],
    "Chè": ["Chè Tân Cương", "Trà xanh búp", "Chè đinh", "Trà shan tuyết", "Trà ô long"],
    "Đặc sản khô": ["Chuối sấy dẻo", "Vải sấy khô", "Măng khô", "Nấm hương rừng", "Miến dong", "Mộc nhĩ",
                    "Đậu phộng rang", "Hạt điều rang muối", "Cà phê Robusta", "Tiêu đen"],
    "Bánh kẹo": ["Kẹo dừa", "Bánh phồng sữa", "Bánh tráng dừa", "Mứt me", "Bánh chưng", "Chè lam",
                 "Kẹo lạc", "Bánh cáy"],
    "Thủy sản": ["Cá chạch", "Tôm khô", "Khô cá lóc", "Chả cá thác lác", "Mắm ruốc", "Cá chép", "Cua đồng"],
    "Gạo": ["Gạo nếp cái hoa vàng", "Gạo ST25", "Gạo tám thơm", "Gạo lứt đỏ"],
    "Gia vị": ["Muối mè", "Tương ớt", "Nước mắm cốt", "Đường thốt nốt", "Mắm tôm", "Sả cây"],
}
QUALIFIERS = ["", "", "loại 1", "loại đặc biệt", "hữu cơ", "VietGAP", "túi 500g", "hộp quà", "nhà trồng",
              "sạch", "tươi", "đóng hộp", "chính gốc", "vụ mới", "size lớn"]
WARD_SUFFIXES = ["Lục Ngạn", "Chợ Lách", "Bến Tre", "Tân Cương", "Phúc Hòa", "Cái Bè", "Diễn Châu",
                 "Thanh Hà", "Mộc Châu", "Phú Quốc", "Cái Mơn", "Hòa Lộc", "Nam Sách", "Kinh Môn"]


def generate(n: int, seed: int = 7) -> list[str]:
    """Communes, stalls and n products via bulk inserts; returns the product names used."""
    from vietnam_provinces import Ward

    from marketplace.core import address

    rnd = random.Random(seed)
    wards = [w for w in Ward.iter_all() if any(w.name.endswith(s) for s in WARD_SUFFIXES)][:40]
    communes = []
    for w in wards:
        province = address.province_name(int(w.province_code))
        c = Commune(ward_code=int(w.code), province_code=int(w.province_code), name=w.name,
                    province_name=province, slug=slugify(f"{w.name} {w.code}"))
        c.villages.append(Village(name=f"Thôn {rnd.randint(1, 9)}"))
        communes.append(c)
    db.session.add_all(communes)
    categories = [Category(name=name, slug=slugify(name)) for name in BASES]
    db.session.add_all(categories)
    db.session.commit()
    n_stalls = max(1, n // 25)
    db.session.execute(insert(User), [
        {"phone": f"+8490{i:07d}", "name": f"Hộ {i}", "password_hash": "x"} for i in range(n_stalls)])
    owners = [u.id for u in db.session.query(User.id).order_by(User.id)]
    db.session.execute(insert(Stall), [
        {"owner_id": owners[i], "commune_id": communes[i % len(communes)].id, "name": f"Gian hàng nhà {i}",
         "slug": f"gian-hang-{i}", "household_name": f"Hộ {i}", "id_number": "024090001234",
         "phone": f"+8490{i:07d}", "bank_bin": "970405", "bank_account": "1500205123456",
         "bank_holder": "NGUYEN VAN A", "status": StallStatus.APPROVED} for i in range(n_stalls)])
    stall_ids = [s.id for s in db.session.query(Stall.id).order_by(Stall.id)]
    communes_by_stall = {sid: communes[i % len(communes)] for i, sid in enumerate(stall_ids)}
    names, rows, now = [], [], utcnow()
    for i in range(n):
        cat = categories[rnd.randrange(len(categories))]
        base = rnd.choice(BASES[cat.name])
        sid = stall_ids[rnd.randrange(len(stall_ids))]
        place = communes_by_stall[sid].short_name if rnd.random() < 0.4 else ""
        name = " ".join(x for x in (base, rnd.choice(QUALIFIERS), place) if x)
        names.append(name)
        rows.append({"stall_id": sid, "category_id": cat.id, "name": name, "slug": slugify(name),
                     "description": f"{name}, giao hàng toàn quốc.", "price": rnd.randrange(10, 900) * 1000,
                     "stock_milli": rnd.choice([0, 5000, 100_000]), "ocop_stars": rnd.choice([None] * 6 + [3, 4, 5]),
                     "status": ProductStatus.APPROVED, "created_at": now - timedelta(minutes=i)})
        if len(rows) == 5000:
            db.session.execute(insert(Product), rows)
            rows = []
    if rows:
        db.session.execute(insert(Product), rows)
    db.session.commit()
    return names


def typo(word: str, rnd) -> str:
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if rnd.random() < 0.5 else word[:i] + word[i + 1:]


def queries(names: list[str], count: int = 1000, seed: int = 11) -> list[tuple[str, dict]]:
    rnd = random.Random(seed)
    provinces = [str(c.province_code) for c in db.session.query(Commune)]
    out = []
    for i in range(count):
        words = rnd.choice(names).split()[:3]
        kind = i % 4
        if kind == 0:
            out.append((fold(" ".join(words)), {}))
        elif kind == 1:
            out.append((" ".join(words), {}))
        elif kind == 2:
            out.append((" ".join(typo(fold(w), rnd) for w in words), {}))
        else:
            out.append((fold(" ".join(words[:2])), {"province": rnd.choice(provinces)}))
    return out


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49]:.1f} ms  p95 {q[94]:.1f} ms  p99 {q[98]:.1f} ms"


def measure(label: str, qs, prefixes) -> None:
    full, suggest = [], []
    for text, filters in qs:
        started = time.perf_counter()
        services.search(text, filters=filters)
        full.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    for prefix in prefixes:
        started = time.perf_counter()
        services.suggest(prefix)
        suggest.append((time.perf_counter() - started) * 1000)
    print(f"  {label} search ({len(qs)} mixed, with facets and product rows): {percentiles(full)}")
    for k, kind in enumerate(("folded", "accented", "one typo", "folded + province filter")):
        print(f"    {kind:<24} {percentiles(full[k::4])}")
    print(f"  {label} suggest ({len(prefixes)} prefixes):                    {percentiles(suggest)}")


def run(database_url: str, index_dir: str, n: int, backend: str) -> None:
    class BenchConfig(Config):
        SECRET_KEY = "bench"
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url
        SEARCH_INDEX_DIR = index_dir
        SEARCH_BACKEND = backend
        SEARCH_FOLLOW_COMMITS = False

    app = create_app(BenchConfig)
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        names = generate(n)
        print(f"[{backend}] generated {n} products in {time.perf_counter() - started:.1f}s ({database_url.split(':')[0]})")
        engine = app.extensions["search"]
        started = time.perf_counter()
        engine.rebuild()
        print(f"  index build: {time.perf_counter() - started:.1f}s, size {size_of(engine) / 1e6:.1f} MB")
        count = int(os.environ.get("BENCH_QUERIES", "1000"))
        qs = queries(names, count)
        rnd = random.Random(3)
        prefixes = [fold(rnd.choice(names))[: rnd.randint(3, 9)] for _ in range(count)]
        services.search("warm up")
        measure(backend, qs, prefixes)
        db.session.remove()
        if backend == "postgres":
            db.drop_all()
        db.engine.dispose()


def size_of(engine) -> int:
    if isinstance(engine, PostgresBackend):
        return db.session.scalar(text("SELECT pg_total_relation_size('search_documents')"))
    return engine.size_bytes()


def main() -> None:
    n = int(os.environ.get("N", "100000"))
    with tempfile.TemporaryDirectory(prefix="choxa-bench-") as tmp:
        if os.environ.get("BENCH_BACKENDS", "whoosh,postgres").startswith("whoosh"):
            run(f"sqlite:///{tmp}/bench.db", os.path.join(tmp, "index"), n, "whoosh")
        url = os.environ.get("BENCH_DATABASE_URL")
        if url:
            run(url, os.path.join(tmp, "index-pg"), n, "postgres")
        else:
            print("[postgres] skipped: set BENCH_DATABASE_URL to a PostgreSQL database it may wipe")


if __name__ == "__main__":
    main()
