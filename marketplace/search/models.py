"""The PostgreSQL backend's copy of every visible product, folded once when written: folding
at query time (unaccent over joined tables) costs a full scan per search."""
from sqlalchemy import DDL, BigInteger, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_name_f", "name_f", postgresql_using="gin",
              postgresql_ops={"name_f": "gin_trgm_ops"}),
        Index("ix_search_documents_body_f", "body_f", postgresql_using="gin",
              postgresql_ops={"body_f": "gin_trgm_ops"}),
    )

    # Derived data, rebuilt from products at any time: no foreign key to hold deletions up.
    product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(120))
    stall: Mapped[str] = mapped_column(String(120))
    name_a: Mapped[str] = mapped_column(Text)  # lower case, accents kept
    name_f: Mapped[str] = mapped_column(Text)  # folded words, space separated
    stall_f: Mapped[str] = mapped_column(Text)
    body_f: Mapped[str] = mapped_column(Text)  # category, stall, places, certifications, description
    category_id: Mapped[int]
    province: Mapped[int]
    commune: Mapped[int]
    price_band: Mapped[str] = mapped_column(String(16))
    ocop: Mapped[int]
    in_stock: Mapped[int]
    traceable: Mapped[int]
    price: Mapped[int] = mapped_column(BigInteger)
    created: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(16))


# The trigram operator class must exist before the indexes (create_all in tests and dev).
event.listen(SearchDocument.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
