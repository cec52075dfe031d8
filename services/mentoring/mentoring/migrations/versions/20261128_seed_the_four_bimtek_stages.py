"""seed the four Bimtek stages of the curriculum

The curriculum is data: later changes to names or required deliverables are
new migrations (or updates by an operator), not code.

Revision ID: 5e3d1c0b7a21
Revises: a9ac5327a5ca
Create Date: 2026-11-28 04:40:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '5e3d1c0b7a21'
down_revision = 'a9ac5327a5ca'
branch_labels = None
depends_on = None

STAGES = [
    {
        "code": "bimtek_1",
        "position": 1,
        "name": "Bimtek I: policy, governance and readiness",
        "description": "Smart city policy, theory and governance; readiness gap analysis; "
        "SWOT on struktur, infrastruktur and suprastruktur.",
        "required_deliverables": ["readiness_report"],
    },
    {
        "code": "bimtek_2",
        "position": 2,
        "name": "Bimtek II: Buku 1, the strategic analysis",
        "description": "Buku 1 strategic analysis; first quick wins; programmes drawn from the RPJMD and agency plans.",
        "required_deliverables": ["strategic_analysis", "quick_win_list"],
    },
    {
        "code": "bimtek_3",
        "position": 3,
        "name": "Bimtek III: Buku 2, the master plan",
        "description": "Buku 2 master plan draft: direction, strategy per dimension, action plan and roadmap.",
        "required_deliverables": ["masterplan_draft"],
    },
    {
        "code": "bimtek_4",
        "position": 4,
        "name": "Bimtek IV: roadmap review and commitments",
        "description": "Review of roadmap and chapters; commitment sheets signed by the regional head and the "
        "heads of regional agencies (OPD); quick wins finalised; the final master plan.",
        "required_deliverables": ["masterplan_final", "commitment_sheet"],
    },
]


def upgrade() -> None:
    stages = sa.table(
        "stages",
        sa.column("code", sa.String),
        sa.column("position", sa.SmallInteger),
        sa.column("name", sa.Text),
        sa.column("description", sa.Text),
        sa.column("required_deliverables", postgresql.ARRAY(sa.Text)),
        schema="mentoring",
    )
    op.bulk_insert(stages, STAGES)


def downgrade() -> None:
    op.execute("DELETE FROM mentoring.stages WHERE code IN ('bimtek_1', 'bimtek_2', 'bimtek_3', 'bimtek_4')")
