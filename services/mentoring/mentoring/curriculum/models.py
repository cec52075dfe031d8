"""The curriculum: the ordered stages (Bimtek I-IV) and what each must deliver. Data, seeded by a migration."""

import sqlalchemy as sa
from smartcity_vocabulary import StageCode, one_of
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (sa.CheckConstraint(one_of("code", StageCode), name="code_known"),)

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    position: Mapped[int] = mapped_column(sa.SmallInteger, unique=True)
    name: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, server_default="")
    # document kinds (smartcity_vocabulary.DocumentKind) that need an approved deliverable before the stage is left
    required_deliverables: Mapped[list[str]] = mapped_column(ARRAY(sa.Text), server_default="{}")
