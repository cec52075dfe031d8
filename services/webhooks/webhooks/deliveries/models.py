"""Deliveries (one event to one endpoint) and every attempt at one: the durable state of the dispatcher."""

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


PENDING = sa.text(f"status = '{DeliveryStatus.pending}'")


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("endpoint_id", "message_id"),
        sa.CheckConstraint(f"status IN {tuple(s.value for s in DeliveryStatus)}", name="status_known"),
        # the next delivery of an endpoint in feed order, and whether any is due
        sa.Index("ix_deliveries_pending_in_order", "endpoint_id", "id", postgresql_where=PENDING),
        sa.Index("ix_deliveries_pending_due", "endpoint_id", "next_attempt_at", postgresql_where=PENDING),
        sa.Index("ix_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
    )

    # also the order of the feeds: deliveries are made as the events are read
    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("endpoints.id", ondelete="CASCADE"))
    # `webhook-id`: the event's id, the same on every attempt (a receiver's idempotency key)
    message_id: Mapped[str] = mapped_column(sa.Text)
    event_type: Mapped[str] = mapped_column(sa.Text)
    # the exact bytes signed and sent: {"type", "timestamp", "data"}
    body: Mapped[str] = mapped_column(sa.Text)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.Text, server_default=DeliveryStatus.pending.value)
    attempts: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    # failures since the delivery was last (re)queued: the step of the retry schedule
    failures: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp()
    )
    last_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(sa.Integer)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_duration_ms: Mapped[int | None] = mapped_column(sa.Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    # the W3C traceparent of the fan-out that made it (null when tracing was off): each attempt's span links to it
    traceparent: Mapped[str | None] = mapped_column(sa.Text)


class Attempt(Base):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    duration_ms: Mapped[int] = mapped_column(sa.Integer)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # the start of the receiver's answer (at most 64 KiB is read; this much is kept)
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    # which replica sent it
    sender: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
