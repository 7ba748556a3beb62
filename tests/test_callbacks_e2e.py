"""Provider callbacks end to end: the fake providers send signed callbacks (retried, duplicated, late, for unknown
streams) to two real ``serve`` replicas sharing one PostgreSQL database, and the fake Slack shows what people see."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
from bot.store.tables import audit_events, jobs
from tests.durable_support import (
    QUICK_BOT,
    press,
    request_id_of,
    run_bot,
    server_env,
    slash,
    start_server,
    thread_texts,
    until,
    wait_state,
    wait_thread,
)
from tests.fakes.callback_sender import CallbackSender
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER, unique
from tests.fixtures_store import fresh_postgres_schema

pytestmark = pytest.mark.postgres

KEYS = {
    "tencent": "canary-tencent-callback-key-5511",
    "volc": "canary-volc-callback-key-7342",
    "trro": "canary-trro-callback-key-9063",
}
FILES_HOST = "1250000000.vod2.myqcloud.com"
CALLBACKS = """
[callbacks]
grace_minutes = 15
storage_url_template = "https://{bucket}.tos-cn-beijing.volces.com/{path}"
"""
_stamps = iter(range(1, 10_000))


@dataclass
class Pair:
    a: BotServer
    b: BotServer
    store: SqlRequestStore
    sender: CallbackSender
    env: dict[str, str]
    home: Path


@pytest.fixture(scope="module")
def pair(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    with fresh_postgres_schema("callbacks_") as url:
        store = open_store(url, migrate=True)
        servers, env, home = [], {}, Path()
        variables = {
            "TENCENT_LIVE_CALLBACK_KEY": KEYS["tencent"],
            "VOLC_LIVE_CALLBACK_KEY": KEYS["volc"],
            "TRRO_CALLBACK_KEY": KEYS["trro"],
        }
        for name in ("a", "b"):
            home = tmp_path_factory.mktemp(f"callbacks-{name}")
            env = server_env(home, slack_api, provider_fakes, QUICK_BOT + CALLBACKS, DATABASE_URL=url, **variables)
            servers.append(start_server(env, home))
        yield Pair(servers[0], servers[1], store, CallbackSender(servers[0].url, KEYS), env, home)
        for server in servers:
            server.stop()
        store.engine.dispose()
        logs = "\n".join(servers[0].log + servers[1].log)
        assert "Traceback" not in logs
        assert not any(key in logs for key in KEYS.values())


def card_ts() -> str:
    return f"18200000{next(_stamps):02d}.000100"


def confirmed(pair: Pair, slack_api: FakeSlack, text: str, channel: str) -> tuple[str, str, str]:
    card = slash(pair.a, slack_api, text, user=REQUESTER, channel=channel)
    request_id, ts = request_id_of(card), card_ts()
    token = press(pair.a, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    return request_id, ts, token


def make_due(store: SqlRequestStore, *keys: str) -> None:
    """Time passes: the jobs ``keys`` are due now (once the flow has scheduled them)."""

    def moved() -> bool:
        with store.engine.begin() as connection:
            done = connection.execute(sa.update(jobs).where(jobs.c.key.in_(keys)).values(due_at=datetime.now(UTC)))
        return done.rowcount == len(keys)

    until(moved, what=f"jobs {keys}")


def window_passes(store: SqlRequestStore, request_id: str) -> None:
    """Time passes: the window began and ended (its jobs made due now, once the flow has scheduled them)."""

    def made_due() -> bool:
        keys = [f"{request_id}:begin", f"{request_id}:end"]
        with store.engine.begin() as connection:
            moved = connection.execute(sa.update(jobs).where(jobs.c.key.in_(keys)).values(due_at=datetime.now(UTC)))
        return moved.rowcount == 2

    until(made_due, what="the window's jobs")
    wait_state(store, request_id, S.DONE)


def task_of(store: SqlRequestStore, request_id: str) -> str:
    def task_id() -> str | None:
        found = store.get(request_id)
        return found.task_id if found is not None else None

    return until(task_id, what="a TaskId")


def card_texts(slack_api: FakeSlack, token: str, channel: str, ts: str) -> list[str]:
    replaced = [c for c in slack_api.calls_to(f"response_url:{token}") if c.params.get("replace_original")]
    updated = slack_api.calls_to("chat.update", channel=channel, ts=ts)
    return [c.shown for c in sorted(replaced + updated, key=lambda c: c.at)]


def window_of(store: SqlRequestStore, request_id: str) -> tuple[int, int]:
    stored = store.get(request_id)
    assert stored is not None and stored.request.window is not None
    return int(stored.request.window.start.timestamp()), int(stored.request.window.end.timestamp())


def test_a_tencent_file_reaches_its_thread_once_across_retries_and_replicas_and_later_files_edit_it(
    pair: Pair, slack_api: FakeSlack
) -> None:
    channel = unique("CFILE")
    request_id, ts, token = confirmed(pair, slack_api, "live/cbfile tomorrow 15:00 to 15:30 on tencent", channel)
    task_id = task_of(pair.store, request_id)
    window_passes(pair.store, request_id)
    start, end = window_of(pair.store, request_id)
    body = pair.sender.signed("tencent", pair.sender.tencent_file(
        task_id=task_id, domain="5000.live.push.com", app="live", stream="cbfile", file_id="5285890781763144364",
        url=f"https://{FILES_HOST}/f0/part1.mp4", start=start, end=start + 1805, size=123_400_000,
    ))  # fmt: skip
    answers = [pair.sender.deliver("tencent", body) for _ in range(3)]
    answers.append(pair.sender.deliver("tencent", body, base_url=pair.b.url))  # the retry reaches the other replica
    assert all(a.statuses == [200] and json.loads(a.bodies[-1]) == {"code": 0} for a in answers)
    ready = wait_thread(slack_api, channel, ts, "Recording ready")
    assert f"<https://{FILES_HOST}/f0/part1.mp4|part1.mp4>" in ready and f"<@{REQUESTER}>" in ready
    assert "30 min 05 s" in ready and "123.4 MB" in ready and "mp4" in ready
    card = until(lambda: next((t for t in reversed(card_texts(slack_api, token, channel, ts)) if "file" in t), None),
                 what="the card to count files")  # fmt: skip
    assert "Finished 15:30 · 1 file" in card
    time.sleep(0.5)  # any second message would have been posted by now (the workers run at once)
    assert len([t for t in thread_texts(slack_api, channel, ts) if "Recording ready" in t]) == 1

    # a split recording: the second file (no size reported) edits the same message, and the card counts both
    second = pair.sender.signed("tencent", pair.sender.tencent_file(
        task_id=task_id, domain="5000.live.push.com", app="live", stream="cbfile", file_id="5285890781763144999",
        url=f"https://{FILES_HOST}/f0/part2.flv", start=start + 1805, end=end, size=None, file_format="flv",
    ))  # fmt: skip
    assert pair.sender.deliver("tencent", second, base_url=pair.b.url).statuses == [200]
    notice_ts = next(c for c in slack_api.calls_to("chat.postMessage", channel=channel, thread_ts=ts)
                     if "Recording ready" in c.shown).params  # fmt: skip
    edited = until(lambda: [c.shown for c in slack_api.calls_to("chat.update", channel=channel)
                            if "part2.flv" in c.shown], what="the notice edited")  # fmt: skip
    assert "part1.mp4" in edited[-1] and "size not reported" in edited[-1] and "2 files" in edited[-1]
    assert len([t for t in thread_texts(slack_api, channel, ts) if "Recording ready" in t]) == 1
    assert notice_ts is not None
    until(lambda: any("2 files" in t for t in card_texts(slack_api, token, channel, ts)), what="card: 2 files")
    listing = json.dumps(slash(pair.a, slack_api, "list", user=REQUESTER, channel=channel), ensure_ascii=False)
    assert (
        f"Files: <https://{FILES_HOST}/f0/part1.mp4|part1.mp4>, <https://{FILES_HOST}/f0/part2.flv|part2.flv>"
        in listing
    )


def test_a_start_failure_is_said_at_once_and_mentions_the_requester(pair: Pair, slack_api: FakeSlack) -> None:
    channel = unique("CFAIL")
    request_id, ts, _ = confirmed(pair, slack_api, "live/cbfail tomorrow 16:00 to 16:30 on tencent", channel)
    task_id = task_of(pair.store, request_id)
    start, _ = window_of(pair.store, request_id)
    body = pair.sender.signed("tencent", pair.sender.tencent_status(
        session_id=task_id, record_event="record_start_failed", domain="5000.live.push.com", app="live",
        stream="cbfail", at=start,
    ))  # fmt: skip
    assert pair.sender.deliver("tencent", body).statuses == [200]
    said = wait_thread(slack_api, channel, ts, "failed to start")
    assert f"<@{REQUESTER}>" in said and "live/cbfail" in said and "stream is being pushed" in said
    events = pair.store.audit.events(request_id=request_id)
    assert [e.action for e in events if e.action == "trouble"] == ["trouble"]
    assert "record_start_failed" in (next(e for e in events if e.action == "trouble").detail or "")


def test_a_volcengine_record_callback_is_matched_by_stream_and_window(pair: Pair, slack_api: FakeSlack) -> None:
    channel = unique("CVOLC")
    request_id, ts, _ = confirmed(pair, slack_api, "live/cbvolc tomorrow 17:00 to 17:30 on volc", channel)
    window_passes(pair.store, request_id)
    start, _ = window_of(pair.store, request_id)
    body = pair.sender.signed("volc", pair.sender.volc_record(
        vhost="push.example.com", app="live", stream="cbvolc", event_type="record",
        detail={"Bucket": "rec-bucket", "Path": "live/cbvolc/0001.mp4", "Duration": "1800.5", "Format": "mp4",
                "StartTime": start + 3},
    ))  # fmt: skip
    assert pair.sender.deliver("volc", body).statuses == [200]
    ready = wait_thread(slack_api, channel, ts, "Recording ready")
    assert "<https://rec-bucket.tos-cn-beijing.volces.com/live/cbvolc/0001.mp4|0001.mp4>" in ready
    assert "console" in ready and "size not reported" in ready and "30 min 00 s" in ready


def test_unknown_streams_and_untrusted_links_are_acknowledged_audited_and_not_posted(
    pair: Pair, slack_api: FakeSlack
) -> None:
    channel = unique("CUNK")
    request_id, ts, _ = confirmed(pair, slack_api, "live/cbhost tomorrow 18:00 to 18:30 on tencent", channel)
    task_id = task_of(pair.store, request_id)
    start, end = window_of(pair.store, request_id)
    before = len(slack_api.calls_to("chat.postMessage"))
    nobody = pair.sender.signed("tencent", pair.sender.tencent_file(
        task_id=None, domain="5000.live.push.com", app="live", stream="nobody-asked", file_id="999",
        url=f"https://{FILES_HOST}/x.mp4", start=start, end=end,
    ))  # fmt: skip
    assert pair.sender.deliver("tencent", nobody).statuses == [200]
    audited = until(lambda: [e for e in pair.store.audit.events() if e.action == "callback" and "nobody-asked"
                             in (e.detail or "")], what="the unknown callback audited")  # fmt: skip
    assert "matched no request" in (audited[0].detail or "") and audited[0].request_id is None
    # a captured signature carrying a link elsewhere: kept, but the link is not posted
    evil = pair.sender.signed("tencent", pair.sender.tencent_file(
        task_id=task_id, domain="5000.live.push.com", app="live", stream="cbhost", file_id="777",
        url="https://evil.example.net/phish.mp4", start=start, end=end,
    ))  # fmt: skip
    assert pair.sender.deliver("tencent", evil).statuses == [200]
    ready = wait_thread(slack_api, channel, ts, "Recording ready")
    assert "evil.example.net" not in ready and "no link posted" in ready
    posted = [c.shown for c in slack_api.calls_to("chat.postMessage")[before:]]
    assert not any("nobody-asked" in text or "x.mp4" in text for text in posted)


def test_bad_callbacks_are_refused_and_change_nothing(pair: Pair, slack_api: FakeSlack) -> None:
    sender = pair.sender
    file = sender.tencent_file(task_id="tc-none", domain="5000.live.push.com", app="live", stream="bad",
                               file_id="1", url=f"https://{FILES_HOST}/b.mp4", start=1, end=2)  # fmt: skip
    before = pair.store.audit.events()
    cases = {
        "wrong signature": (sender.signed("tencent", file, key="not-the-key"), "tencent", 401),
        "expired t": (sender.signed("tencent", file, expires_in=-5), "tencent", 401),
        "unsigned volc": ({"code": 0, "data": {"stream": "s", "app": "a", "t": 0, "sign": ""}}, "volc", 401),
        "no signature": (file, "tencent", 401),
        "not a file event": (sender.signed("tencent", {"something": "else"}), "tencent", 400),
    }
    for name, (body, provider, status) in cases.items():
        delivery = sender.deliver(provider, body)
        assert delivery.statuses == [status] * len(delivery.statuses), name
        assert KEYS[provider] not in delivery.bodies[-1].decode(), name
    raw_cases = [
        (b"{not json", 400),
        (b"[1, 2, 3]", 400),
        (b"[" * 5000 + b"]" * 5000, 400),  # deeply nested
        (json.dumps({"a": "x" * 300_000}).encode(), 413),  # huge
        (b'{"event_type": 100, ' + b'"x": ' + b'{"y": ' * 40 + b"1" + b"}" * 40 + b"}", 400),
    ]
    for raw, status in raw_cases:
        assert sender.post("tencent", raw).status_code == status
    assert sender.post("qcloud", json.dumps(sender.signed("tencent", file)).encode()).status_code == 404  # no key
    trro = json.dumps(sender.trro_event(event_type=306, task_id="t", at_ms=1, payload={})).encode()
    assert sender.post("trro", trro, {"Sign": "d3Jvbmc="}).status_code == 401
    assert pair.store.audit.events() == before
    assert pair.a.log and not any("Traceback" in line for line in pair.a.log)


def test_no_secret_reaches_slack_the_audit_log_or_the_export(pair: Pair, slack_api: FakeSlack) -> None:
    unknown = pair.sender.signed("volc", pair.sender.volc_record(  # audited with its raw body, signature masked
        vhost="push.example.com", app="live", stream=unique("nobody"), event_type="record",
        detail={"Bucket": "rec-bucket", "Path": "live/nobody/0001.mp4", "StartTime": int(time.time())},
    ))  # fmt: skip
    assert pair.sender.deliver("volc", unknown).statuses == [200]
    for call in slack_api.calls:
        assert not any(key in json.dumps(call.params) for key in KEYS.values())
    with pair.store.engine.connect() as connection:
        rows = json.dumps([dict(r) for r in connection.execute(sa.select(audit_events)).mappings()], default=str)
    assert not any(key in rows for key in KEYS.values())
    exported = run_bot(pair.env, pair.home, "audit", "--json")
    assert exported.returncode == 0 and not any(key in exported.stdout for key in KEYS.values())
    assert '"sign": "****"' in rows or '\\"sign\\": \\"****\\"' in rows


def test_volcengine_files_are_found_by_the_look_up_after_the_window(
    pair: Pair, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CLOOK")
    request_id, ts, _ = confirmed(pair, slack_api, "live/cblook tomorrow 19:00 to 19:30 on volc", channel)
    window_passes(pair.store, request_id)
    start, _ = window_of(pair.store, request_id)
    provider_fakes.volc.record_file(app="live", stream="cblook", start=datetime.fromtimestamp(start + 2, UTC),
                                    seconds=1795.0, path="live/cblook/20261208.mp4")  # fmt: skip
    provider_fakes.volc.record_file(
        app="live",
        stream="cblook",
        start=datetime.fromtimestamp(start - 3600, UTC),  # an earlier recording that day
        seconds=60.0,
        path="live/cblook/earlier.mp4",
    )  # another day's recording
    make_due(pair.store, f"{request_id}:files.lookup:1")
    ready = wait_thread(slack_api, channel, ts, "Recording ready")
    assert "<https://rec-bucket.tos-cn-beijing.volces.com/live/cblook/20261208.mp4|20261208.mp4>" in ready
    assert "earlier" not in ready and "29 min 55 s" in ready and "console" in ready
    until(lambda: (job := pair.store.jobs.get(f"{request_id}:files.lookup:1")) and job.status == "done", what="done")
    assert [f.key for f in pair.store.files.files_of(request_id)] == [
        "push.example.com/live/cblook/live/cblook/20261208.mp4"
    ]
    looked = [
        c for c in provider_fakes.volc.calls_to("DescribeRecordTaskFileHistory") if c.params.get("Stream") == "cblook"
    ]
    assert len(looked) == 1 and looked[0].params["Vhost"] == "push.example.com"


def test_the_legacy_look_up_is_called_once_then_backs_off_and_finds_the_file_later(
    pair: Pair, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CLEG")
    request_id, ts, _ = confirmed(pair, slack_api, "8888_cbleg tomorrow 8pm-10pm on qcloud", channel)
    window_passes(pair.store, request_id)
    make_due(pair.store, f"{request_id}:files.lookup:1")
    later = until(lambda: pair.store.jobs.get(f"{request_id}:files.lookup:2"), what="the next look-up planned")
    assert later.due_at > datetime.now(UTC) + timedelta(minutes=5)  # backed off, not a polling loop
    assert len([c for c in provider_fakes.qcloud.calls_to("Live_Tape_GetFilelist")
                if c.params.get("Param.s.channel_id") == "8888_cbleg"]) == 1  # fmt: skip
    start, _ = window_of(pair.store, request_id)
    url = "https://1250000000.vod2.myqcloud.com/a1/f1.flv"
    provider_fakes.qcloud.record_file(channel_id="8888_cbleg", start=datetime.fromtimestamp(start + 5, UTC),
                                      seconds=7195, url=url)  # fmt: skip
    make_due(pair.store, f"{request_id}:files.lookup:2")
    ready = wait_thread(slack_api, channel, ts, "Recording ready")
    assert f"<{url}|f1.flv>" in ready and "size not reported" in ready and "1 h 59 min 55 s" in ready and "flv" in ready


def test_no_file_within_the_grace_period_is_said_and_a_file_in_time_keeps_it_quiet(
    pair: Pair, slack_api: FakeSlack
) -> None:
    channel = unique("CNONE")
    silent, ts, _ = confirmed(pair, slack_api, "live/cbnone tomorrow 20:00 to 20:30 on tencent", channel)
    window_passes(pair.store, silent)
    make_due(pair.store, f"{silent}:files.grace")
    said = wait_thread(slack_api, channel, ts, "No file")
    assert "15 min" in said and f"<@{REQUESTER}>" in said and "live/cbnone" in said
    assert [e.action for e in pair.store.audit.events(request_id=silent) if e.action == "no_file"] == ["no_file"]
    # a recording whose file came in time: the grace check says nothing
    fine, fine_ts, _ = confirmed(pair, slack_api, "live/cbfine tomorrow 21:00 to 21:30 on tencent", channel)
    task_id = task_of(pair.store, fine)
    window_passes(pair.store, fine)
    start, end = window_of(pair.store, fine)
    body = pair.sender.signed("tencent", pair.sender.tencent_file(
        task_id=task_id, domain="5000.live.push.com", app="live", stream="cbfine", file_id="5285890781700000001",
        url=f"https://{FILES_HOST}/fine.mp4", start=start, end=end,
    ))  # fmt: skip
    assert pair.sender.deliver("tencent", body).statuses == [200]
    wait_thread(slack_api, channel, fine_ts, "Recording ready")
    make_due(pair.store, f"{fine}:files.grace")
    until(lambda: (job := pair.store.jobs.get(f"{fine}:files.grace")) and job.status == "done", what="grace ran")
    assert not any("No file" in t for t in thread_texts(slack_api, channel, fine_ts))


def test_a_trro_failover_is_said_at_once(pair: Pair, slack_api: FakeSlack) -> None:
    channel = unique("CTRRO")
    request_id, ts, _ = confirmed(pair, slack_api, "dev7/0 now for 30m on trro", channel)
    task_id = task_of(pair.store, request_id)
    failover = pair.sender.trro_event(event_type=306, task_id=task_id, at_ms=int(time.time() * 1000), payload={})
    assert pair.sender.deliver("trro", failover).statuses == [200]
    said = wait_thread(slack_api, channel, ts, "lost its stream")
    assert f"<@{REQUESTER}>" in said and "dev7/0" in said
    forged = json.dumps(failover | {"CallbackTs": 1}).encode()
    assert pair.sender.post("trro", forged, pair.sender.trro_headers(json.dumps(failover).encode())).status_code == 401


def test_a_replica_starting_after_downtime_catches_up_on_missed_volcengine_callbacks(
    pair: Pair, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CMISS")
    request_id, ts, _ = confirmed(pair, slack_api, "live/cbmiss tomorrow 22:00 to 22:30 on volc", channel)
    window_passes(pair.store, request_id)
    start, _ = window_of(pair.store, request_id)
    missed = pair.sender.signed("volc", pair.sender.volc_record(
        vhost="push.example.com", app="live", stream="cbmiss", event_type="record",
        detail={"Bucket": "rec-bucket", "Path": "live/cbmiss/missed.mp4", "StartTime": start + 1},
    ))  # fmt: skip
    failed = pair.sender.signed("volc", pair.sender.volc_record(
        vhost="push.example.com", app="live", stream="cbmiss", event_type="record_failed", detail={"time": start + 60},
    ))  # fmt: skip
    provider_fakes.volc.undelivered += [missed, failed]  # the deliveries failed while the bot was down
    with pair.store.engine.begin() as connection:  # the last catch-up was long ago (keys are per minute)
        connection.execute(sa.delete(jobs).where(jobs.c.kind == "callbacks.catch_up"))
    third = start_server(pair.env, pair.home)  # a replica (re)starting: it catches up once
    try:
        ready = wait_thread(slack_api, channel, ts, "Recording ready")
        assert "missed.mp4" in ready
        assert provider_fakes.volc.calls_to("DescribeLiveCallbackData")[-1].params["CallbackStatus"] == "fail"
        wait_thread(slack_api, channel, ts, "failed to start")
        # delivered late after all: handled already, nothing posted again
        assert [pair.sender.deliver("volc", body).statuses for body in (missed, failed)] == [[200], [200]]
        time.sleep(0.5)
        said = thread_texts(slack_api, channel, ts)
        assert len([t for t in said if "Recording ready" in t]) == 1 and len([t for t in said if "failed" in t]) == 1
    finally:
        third.stop()
    provider_fakes.volc.undelivered.clear()
