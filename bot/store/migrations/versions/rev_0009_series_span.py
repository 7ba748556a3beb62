"""Series spans: ``requests.span_end``, the end of the last window a request may hold (its window's end; a series'
last occurrence's end; NULL for one until cancelled), ``requests.target`` (the target's label), and the index
overlaps read before Confirm — (provider, kind, target, state, span_end): a new card's candidates are the holding
requests on its stream whose span reaches its first start, however long the history.

Existing rows: ``span_end`` is the window's end; a series takes the due time of its ``window.end`` job (planned at its
last occurrence's end), or stays NULL when it was never planned (NULL is always a candidate: the precise check is the
occurrences'). ``target`` is read from each stored request, a batch of rows at a time.

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

INDEX = "ix_requests_provider_kind_target_state_span_end"
BATCH = 1000  # rows backfilled per statement


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("span_end", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("target", sa.String(300), nullable=True))
    requests = sa.table(
        "requests", sa.column("id", sa.String), sa.column("extra"), sa.column("window_end"), sa.column("span_end"),
        sa.column("request", sa.JSON), sa.column("target", sa.String),
    )  # fmt: skip
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
    _backfill_targets(connection, requests)
    op.create_index(INDEX, "requests", ["provider", "kind", "target", "state", "span_end"])


def _backfill_targets(connection: sa.Connection, requests: sa.TableClause) -> None:
    """Each row's target label, from its stored request (the same labels ``TaskRequest.target.label()`` gives)."""
    update = requests.update().where(requests.c.id == sa.bindparam("row_id")).values(target=sa.bindparam("label"))
    after = ""
    while True:  # in id order, a batch at a time: memory stays flat however many rows there are
        page = sa.select(requests.c.id, requests.c.request).where(requests.c.id > after).order_by(requests.c.id)
        rows = connection.execute(page.limit(BATCH)).all()
        if not rows:
            return
        connection.execute(update, [{"row_id": row_id, "label": _label(data)} for row_id, data in rows])
        after = rows[-1][0]


def _label(data: object) -> str | None:
    target = data.get("target") if isinstance(data, dict) else None
    if not isinstance(target, dict):
        return None
    if "app" in target:
        return f"{target['app']}/{target['stream']}"
    if "device" in target:
        return f"{target['device']}/{target['video_stream_id']}"
    return str(target.get("channel_id", "")) or None


def downgrade() -> None:
    op.drop_index(INDEX, table_name="requests")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("target")
        batch.drop_column("span_end")
