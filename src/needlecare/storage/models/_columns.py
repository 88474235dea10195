"""Column helpers shared by the model modules."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def str_enum(enum_cls: type[StrEnum]) -> Enum:
    """Store an enum as its string value in a VARCHAR (no native type, no CHECK)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
