"""One product per name and brand on a patient's shelf, kept by the database (issue 21):
`shelf_product.name_key` (the name and brand folded for case and spacing, hashed) with a unique
index on (patient_id, name_key). The service refused a second add by reading the shelf first,
which two adds at the same moment both passed.

Existing rows are kept, all of them: a row whose key an earlier row of the same patient already
has (a duplicate made before this index) gets "#<its id>" after its key, so nothing is lost and
the patient can remove the one they do not want. Plain ADD COLUMN and CREATE INDEX on both
databases (a batch table copy on SQLite would break the foreign keys that point at it).

Revision ID: h21_shelf_name_key
Revises: h20_outcome_groups
Create Date: 2026-12-06
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "h21_shelf_name_key"
down_revision: str | None = "h20_outcome_groups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str, brand: str) -> str:
    """A frozen copy of needlecare.storage.models.shelf.shelf_name_key."""
    folded = "\n".join(" ".join(part.casefold().split()) for part in (name, brand))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.add_column(
        "shelf_product",
        sa.Column("name_key", sa.String(length=96), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, patient_id, name, brand FROM shelf_product ORDER BY id")
    ).all()
    seen: set[tuple[int, str]] = set()
    update = sa.text("UPDATE shelf_product SET name_key = :key WHERE id = :id")
    for row in rows:
        key = _key(row.name, row.brand or "")
        if (row.patient_id, key) in seen:
            key = f"{key}#{row.id}"
        else:
            seen.add((row.patient_id, key))
        connection.execute(update, {"key": key, "id": row.id})
    op.create_index(
        "uq_shelf_product_patient_id_name_key",
        "shelf_product",
        ["patient_id", "name_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_shelf_product_patient_id_name_key", table_name="shelf_product")
    op.execute("ALTER TABLE shelf_product DROP COLUMN name_key")
