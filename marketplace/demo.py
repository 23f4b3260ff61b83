"""Demo data for `make run`: `flask seed-demo`.

Everything is created through the areas' services, as a household or an officer would, so the
demo obeys the same rules as real data (CCCD checks, review queues, audit log, photo resizing).
It is idempotent: each thing is looked up by its natural key (phone, ward code, owner, stall +
product name) and only what is missing is created.

Other areas add their demo data with one entry in SEEDERS: a callable, or a "module:function"
string (an area that is not installed is skipped). Each is called once, right after the
communes, stalls and products were first loaded, with the `demo` dict:
    products  [Product, ...] in the order they were listed (traceable, certified ones first)
    stalls    [Stall, ...]; users {"admin", "buyer", "officer:<commune>", "seller:<stall>"}
    communes, officers, sellers, stalls_by_key, products_by_key, categories: by key
    logins    [(role, phone, name), ...]: append your own accounts to show them in the table
It returns what it made as a dict (printed after the logins), an int, or None.
"""
from importlib import import_module

import click
from flask import Flask
from sqlalchemy import select

from .accounts import services as accounts
from .accounts.models import User
from .catalog import services as catalog
from .catalog.models import Category, Product, ProductStatus
from .communes import services as communes
from .communes.models import Commune
from .core import address
from .core.phone import display_phone
from .demo_data import ADMIN, BUYER, CATEGORIES, COMMUNES, PASSWORD, STALLS
from .demo_photos import cover_photo, product_photo
from .extensions import db
from .stalls import services as stalls
from .stalls.models import StallStatus

SEEDERS: tuple = (
    "marketplace.trace.demo:seed_demo",
    "marketplace.orders.demo:seed_demo",
    "marketplace.shipping.demo:seed_demo",
    "marketplace.admin.demo:seed_demo",
)

COVER_COLOURS = ("red", "green", "amber", "yellow", "pink")


def seed_demo() -> tuple[dict, int]:
    """Load the demo once; returns (demo, number of things created). A second run creates nothing."""
    demo = {"users": {}, "officers": {}, "sellers": {}, "communes": {}, "stalls": [], "stalls_by_key": {},
            "products": [], "products_by_key": {}, "categories": {}, "logins": [], "extras": []}
    created = 0
    admin, n = _user(*ADMIN)
    created += n
    if not admin.is_admin:
        admin.is_admin = True
        db.session.commit()
    demo["users"]["admin"] = admin
    demo["logins"].append(("admin", admin.phone, admin.name))
    created += _categories(demo)
    for key, spec in COMMUNES.items():
        created += _commune(demo, admin, key, spec)
    for index, spec in enumerate(_round_robin(STALLS)):
        created += _stall(demo, index, spec)
    buyer, n = _user(*BUYER)
    created += n
    demo["users"]["buyer"] = buyer
    demo["logins"].append(("buyer", buyer.phone, buyer.name))
    # Certified products first: the trace seeder gives the first few a batch and stamps.
    demo["products"].sort(key=lambda product: not product.certifications)
    if created:
        # Only on the first load: the areas' seeders place orders and issue stamps, which a
        # second run must not repeat.
        for seeder in SEEDERS:
            _run_seeder(demo, seeder)
    return demo, created


def _run_seeder(demo: dict, seeder) -> None:
    name = seeder if isinstance(seeder, str) else getattr(seeder, "__module__", repr(seeder))
    if isinstance(seeder, str):
        module, _, attribute = seeder.partition(":")
        try:
            seeder = getattr(import_module(module), attribute)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise  # the area exists but is broken: say so
            return  # the area is not part of this installation
    demo["extras"].append((name.partition(":")[0], seeder(demo)))


def register_demo_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Seed even though debug mode is off.")
    def seed_demo_command(force):
        """Load the demo communes, stalls, products and accounts (idempotent)."""
        if not (app.debug or app.testing or force):
            # The demo accounts have published passwords: never load them on a real site by accident.
            raise click.ClickException("seed-demo is for development (FLASK_DEBUG=1); pass --force to insist.")
        demo, created = seed_demo()
        if created:
            click.echo(f"Demo data loaded: {created} new records "
                       f"({len(demo['communes'])} communes, {len(demo['stalls'])} stalls, "
                       f"{len(demo['products'])} products).")
        else:
            click.echo("Demo data already present; nothing changed.")
        click.echo(logins_table(demo["logins"], app.config["PUBLIC_BASE_URL"]))
        for line in extras_lines(demo["extras"]):
            click.echo(line)


def logins_table(logins, base_url: str = "http://127.0.0.1:5000") -> str:
    """The demo accounts as a small fixed-width table."""
    rank = {"admin": 0, "officer": 1, "seller": 2, "buyer": 3}
    ordered = sorted(logins, key=lambda row: (rank.get(row[0].split()[0], 4), row[1] if row[0].startswith("seller") else ""))
    rows = [("role", "phone", "password", "name")]
    rows += [(role, display_phone(phone), PASSWORD, name) for role, phone, name in ordered]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return f"Demo logins ({base_url.rstrip('/')}/dang-nhap):\n" + "\n".join(lines)


def extras_lines(extras) -> list[str]:
    """What the areas' seeders made, one line per item: codes in full, other lists counted."""
    lines = []
    for name, result in extras:
        if not isinstance(result, dict):
            continue
        for key, value in result.items():
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                value = ", ".join(value)
            elif isinstance(value, (list, tuple)):
                value = len(value)
            lines.append(f"{name} {key}: {value}")
    return lines


# ---- pieces ----------------------------------------------------------------------------------

def _user(phone: str, name: str) -> tuple[User, int]:
    user = accounts.find_by_phone(phone)
    if user is not None:
        return user, 0
    return accounts.register_user(phone, name, PASSWORD), 1


def _categories(demo) -> int:
    """Categories have no service of their own yet: they are reference data, made once."""
    created = 0
    for position, (slug, name) in enumerate(CATEGORIES):
        category = db.session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            category = Category(slug=slug, name=name, position=position)
            db.session.add(category)
            created += 1
        demo["categories"][slug] = category
    db.session.commit()
    return created


def _commune(demo, admin, key: str, spec: dict) -> int:
    created = 0
    ward_code = _ward_code(spec["ward"], spec["province"])
    commune = db.session.scalar(select(Commune).where(Commune.ward_code == ward_code))
    if commune is None:
        commune = communes.create_commune(admin, ward_code, spec["intro"], spec["review"])
        created += 1
    existing = {v.name for v in commune.villages}
    for name in spec["villages"]:
        if name not in existing:
            communes.add_village(admin, commune, name)
            created += 1
    officer, n = _user(*spec["officer"])
    created += n
    if commune.id not in officer.commune_ids:
        communes.assign_officer(admin, officer, commune)
        created += 1
    demo["communes"][key] = commune
    demo["officers"][key] = demo["users"][f"officer:{key}"] = officer
    demo["logins"].append((f"officer {commune.short_name}", officer.phone, officer.name))
    return created


def _ward_code(ward_name: str, province_short: str) -> int:
    for code, province in address.provinces():
        if address.short_name(province) == province_short:
            for ward_code, name in address.wards(code):
                if name == ward_name:
                    return ward_code
    raise LookupError(f"{ward_name}, {province_short} is not a 2025 unit")


def _stall(demo, index: int, spec: dict) -> int:
    created = 0
    owner, n = _user(*spec["owner"])
    created += n
    commune = demo["communes"][spec["commune"]]
    officer = demo["officers"][spec["commune"]]
    stall = stalls.stall_of(owner)
    if stall is None:
        village = next(v for v in commune.villages if v.name == spec["village"])
        bank_bin, account = spec["bank"]
        data = {
            "name": spec["name"], "household_name": owner.name, "id_number": spec["cccd"], "phone": owner.phone,
            "commune_id": commune.id, "village_id": village.id,
            "address_line": f"{village.name}, {commune.name}, {commune.province_name}",
            "story": spec["story"], "bank_bin": bank_bin, "bank_account": account,
            "bank_holder": owner.name, "accepts_cod": True,
        }
        stall = stalls.open_stall(owner, data, cover=cover_photo(spec["name"], COVER_COLOURS[index % 5]))
        created += 1
        if spec.get("status", StallStatus.APPROVED) == StallStatus.APPROVED:
            stalls.approve_stall(officer, stall)
    demo["stalls"].append(stall)
    demo["stalls_by_key"][spec["key"]] = stall
    demo["sellers"][spec["key"]] = demo["users"][f"seller:{spec['key']}"] = owner
    role = "seller" if stall.status == StallStatus.APPROVED else f"seller ({stall.status})"
    demo["logins"].append((role, owner.phone, f"{owner.name} — {stall.name}"))
    for product_spec in spec["products"]:
        created += _product(demo, owner, officer, stall, product_spec)
    return created


def _product(demo, owner, officer, stall, spec: dict) -> int:
    key = f"{stall.slug}/{spec['name']}"
    product = db.session.scalar(
        select(Product).where(Product.stall_id == stall.id, Product.name == spec["name"])
    )
    if product is not None:
        demo["products"].append(product)
        demo["products_by_key"][key] = product
        return 0
    decimal = spec["unit"] in ("kg", "lit")
    data = {
        "name": spec["name"], "category_id": demo["categories"][spec["category"]].id,
        "description": spec["desc"], "unit": spec["unit"], "price": spec["price"],
        "stock_milli": spec["stock"] * 1000, "weight_grams": spec["weight"],
        # Sold by weight: half-kilo steps from one kilo, unless the household says otherwise.
        "step_milli": _milli(spec.get("step_kg"), 500 if decimal else 1000),
        "min_milli": _milli(spec.get("min_kg"), 1000),
        **{k: spec[k] for k in ("ocop_stars", "ocop_decision", "ocop_date", "ocop_expiry") if k in spec},
    }
    photo = product_photo(spec["name"], spec["shape"], spec["color"])
    product = catalog.create_product(owner, data, photos=[photo], certifications=spec.get("certs"))
    review = spec.get("review", "approved")
    if product.status == ProductStatus.PENDING and review == "approved":
        catalog.approve_product(officer, product)
    elif product.status == ProductStatus.PENDING and review == "rejected":
        catalog.reject_product(officer, product, spec["reason"])
    if spec.get("featured"):
        product.featured = True
        db.session.commit()
    demo["products"].append(product)
    demo["products_by_key"][key] = product
    return 1


def _round_robin(specs) -> list[dict]:
    """Stalls taken one commune at a time, so the newest listings on the home page come
    from every commune rather than all from the last one seeded."""
    queues = {}
    for spec in specs:
        queues.setdefault(spec["commune"], []).append(spec)
    ordered = []
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def _milli(whole_units, default: int) -> int:
    return int(whole_units) * 1000 if whole_units else default
