"""Series spans: ``requests.span_end``, the end of the last window a request may hold (its window's end; a series'
last occurrence's end; NULL for one until cancelled), and the index overlaps read before Confirm —
(provider, kind, state, span_end): a new card's candidates are the holding requests on its provider whose span
reaches its first start, however long the history.

Existing rows: ``span_end`` is the window's end; a series takes the due time of its ``window.end`` job (planned at its
last occurrence's end), or stays NULL when it was never planned (NULL is always a candidate: the precise check is the
occurrences').

Revision ID: 0009_series_span
Revises: 0008_home_views
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_series_span"
down_revision: str | None = "0008_home_views"
branch_labels = None
depends_on = None

INDEX = "ix_requests_provider_kind_state_span_end"


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("span_end", sa.DateTime(timezone=True), nullable=True))
    requests = sa.table(
        "requests", sa.column("id", sa.String), sa.column("extra"), sa.column("window_end"), sa.column("span_end")
    )
    jobs = sa.table("jobs", sa.column("key"), sa.column("kind"), sa.column("due_at"))
    connection = op.get_bind()
    connection.execute(requests.update().values(span_end=requests.c.window_end))
    series = sa.cast(requests.c.extra, sa.Text).like('%"series"%')  # JSON text: {"series": {...}}
    last_end = (
        sa.select(jobs.c.due_at)
        .where(jobs.c.key == requests.c.id + ":end", jobs.c.kind == "window.end")
        .scalar_subquery()
    )
    connection.execute(requests.update().where(series).values(span_end=last_end))
    op.create_index(INDEX, "requests", ["provider", "kind", "state", "span_end"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="requests")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("span_end")
