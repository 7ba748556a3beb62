"""Growth indexes: every hot query reads an index in its own order, so it stays flat as the tables grow.

- ``/record list`` in a channel and ``list mine``: (channel | requester, state, created_at) — only the rows in the
  listed states are read, newest first, however many old ones the channel has;
- ``/record cancel <TaskId>``: ``task_id`` alone (the look-up does not know the provider);
- the scheduler and the background sweeps: (state, created_at) for stuck or unanswered requests; (status,
  lease_until) on jobs beside the existing (status, due_at), one for each side of the claim's OR; seen events by age
  already had theirs (``ix_seen_events_seen_at``).

The single-column indexes on state, channel and requester are prefixes of the new ones and are dropped.

Revision ID: 0006_growth_indexes
Revises: 0005_request_life
"""

from __future__ import annotations

from alembic import op

revision = "0006_growth_indexes"
down_revision: str | None = "0005_request_life"
branch_labels = None
depends_on = None

NEW = {
    "ix_requests_channel_state_created_at": ["channel", "state", "created_at"],
    "ix_requests_requester_state_created_at": ["requester", "state", "created_at"],
    "ix_requests_state_created_at": ["state", "created_at"],
    "ix_requests_task_id": ["task_id"],
}
REPLACED = {"ix_requests_state": ["state"], "ix_requests_channel": ["channel"], "ix_requests_requester": ["requester"]}


#: Jobs due: a claim takes pending jobs that are due *or* running ones whose lease ran out; with an index for each
#: side of that OR the database reads only those, not every finished job.
JOBS = {"ix_jobs_status_lease_until": ["status", "lease_until"]}
#: ``/record cancel <TaskId>`` of a follow-on or occurrence task: ``request_tasks.task_id`` alone.
TASKS = {"ix_request_tasks_task_id": ["task_id"]}


def upgrade() -> None:
    for name, columns in NEW.items():
        op.create_index(name, "requests", columns)
    for name in REPLACED:
        op.drop_index(name, table_name="requests")
    for name, columns in JOBS.items():
        op.create_index(name, "jobs", columns)
    for name, columns in TASKS.items():
        op.create_index(name, "request_tasks", columns)


def downgrade() -> None:
    for name in TASKS:
        op.drop_index(name, table_name="request_tasks")
    for name in JOBS:
        op.drop_index(name, table_name="jobs")
    for name, columns in REPLACED.items():
        op.create_index(name, "requests", columns)
    for name in NEW:
        op.drop_index(name, table_name="requests")
