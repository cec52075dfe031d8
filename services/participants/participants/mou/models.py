"""MoU signings: one ceremony (date, venue) and the signature of each participant."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class MouSigning(Base):
    __tablename__ = "mou_signings"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    phase_code: Mapped[str] = mapped_column(sa.String(32), sa.ForeignKey("phases.code"), index=True)
    signed_on: Mapped[date] = mapped_column(sa.Date)
    venue: Mapped[str] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.Text)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class MouSignature(Base):
    __tablename__ = "mou_signatures"

    # one MoU per participant: the primary key refuses a second one whatever the race
    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("participants.id"), primary_key=True)
    signing_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("mou_signings.id"), index=True)
    signatory_name: Mapped[str] = mapped_column(sa.Text)
    signatory_title: Mapped[str] = mapped_column(sa.Text)
    document_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
