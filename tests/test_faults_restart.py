"""``kill -9`` of the real server while confirmed requests are still queued for the provider, then a restart.

:mod:`tests.test_durable_restart` covers a kill while the provider call is under way (``submitting``). This covers the
moment before: the person clicked Confirm, the card says "Submitting…", but the call had not started when the process
died. After the restart every card must reach a definite state the person can see, each request must reach the
provider at most once, and none may be lost.
"""

from __future__ import annotations

from pathlib import Path

from bot.lifecycle import RequestState
from bot.store import open_store
from tests.durable_support import kill_hard, until
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.faults_support import Submission, leaked_lines, server_env, submit
from tests.fixtures_slack import SECRET, unique

QUICK = "[bot]\nscheduler_interval_seconds = 0.2\nreconcile_after_seconds = 2\n"
CREATE = "CreatePullRecordTask"


def creates_for(fakes: FakeProviders, submission: Submission) -> int:
    stream = submission.stream.split("/", 1)[1]
    return len([c for c in fakes.volc.calls_to(CREATE) if c.params.get("Stream") == stream])


def test_kill_9_with_confirmed_requests_still_queued_then_restart_submits_each_exactly_once(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path
) -> None:
    home = tmp_path
    env = server_env(home, slack_api, provider_fakes, QUICK, BOT_PROVIDER_WORKERS="1")
    first = BotServer(env, signing_secret=SECRET, cwd=str(home)).start()
    provider_fakes.volc.inject(Fault.delay(30), action=CREATE)  # acts at once, answers after 30 s
    try:
        busy = submit(first, slack_api, "{stream} tomorrow 15:00 to 15:30 on volc", stream=f"live/{unique('busy')}")
        until(lambda: creates_for(provider_fakes, busy), what="the first create call")
        queued = [
            submit(first, slack_api, "{stream} tomorrow 16:00 to 16:30 on volc", stream=f"live/{unique('queued')}")
            for _ in range(3)
        ]
        store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
        for submission in queued:  # the card says "Submitting…" but the provider has not heard of it
            stored = store.get(submission.request_id)
            assert stored is not None and stored.state is RequestState.CONFIRMED
            assert creates_for(provider_fakes, submission) == 0
    finally:
        kill_hard(first)
    assert leaked_lines(first) == []

    second = BotServer(env, signing_secret=SECRET, cwd=str(home)).start()
    try:
        for submission in [busy, *queued]:
            replies = submission.thread(slack_api, timeout=30)
            assert len(replies) == 1, replies
            assert "TaskId" in replies[0].shown, replies[0].params
            assert creates_for(provider_fakes, submission) == 1, submission
        for submission in [busy, *queued]:  # busy: settled by restart reconciliation, which redraws the card too
            stored = store.get(submission.request_id)
            assert stored is not None and stored.state is RequestState.SCHEDULED
            assert f"Scheduled · TaskId `{stored.task_id}`" in submission.final_state(slack_api)
    finally:
        second.stop()
        store.engine.dispose()
    assert leaked_lines(second) == []
