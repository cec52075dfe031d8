"""Mentors: academics and practitioners with expertise per dimension and a capacity."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Mentor(Base):
    __tablename__ = "mentors"
    __table_args__ = (sa.CheckConstraint("max_tracks >= 1", name="max_tracks_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.Text)
    # stored lower-cased: a mentor signs in with it (or with the id) as the token's subject
    email: Mapped[str] = mapped_column(sa.Text, unique=True)
    organization: Mapped[str] = mapped_column(sa.Text)
    expertise: Mapped[list[str]] = mapped_column(ARRAY(sa.Text))
    home_region_code: Mapped[str | None] = mapped_column(sa.String(5))
    max_tracks: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
