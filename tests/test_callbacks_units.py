"""Callback readers, signatures, links and the desk, in process: a real store (SQLite and PostgreSQL), the real
renderer behind a notifier double, and bodies built the way the providers send them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.callbacks import qcloud, tencent, trro, volc
from bot.callbacks.desk import CallbackDesk
from bot.callbacks.intake import FileIntake
from bot.callbacks.links import allowed_link, storage_link
from bot.callbacks.matching import Matcher
from bot.callbacks.model import CallbackKind, load_object
from bot.callbacks.settings import CallbackSettings, callback_keys, load_callback_settings
from bot.callbacks.signing import check_body_hmac, check_expiring_md5, expiring_md5
from bot.console import ConsoleNotifier
from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import CallbackMalformed, CallbackUnauthorized
from bot.flow.file_facts import duration_text, size_text
from bot.flow.life import RequestLife
from bot.flow.outcome import Event, Outcome
from bot.lifecycle import NewTask, RequestState, StoredRequest
from bot.recordings import RecordedFile
from bot.secret import Secret
from bot.store import SqlRequestStore
from tests.fakes.callback_sender import CallbackSender
from tests.fixtures_store import Posted

KEY = "canary-unit-callback-key"
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
START = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
END = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


def md5_signed(body: dict[str, Any], *, t: int | None = None, key: str = KEY) -> bytes:
    t = int(NOW.timestamp()) + 600 if t is None else t
    return json.dumps({**body, "t": t, "sign": expiring_md5(key, t)}).encode()


# --- signatures ---------------------------------------------------------------------------------------------------


def test_md5_signature_accepts_the_right_sign_and_refuses_wrong_expired_and_unsigned() -> None:
    t = int(NOW.timestamp()) + 60
    check_expiring_md5(KEY, t, expiring_md5(KEY, t), NOW)
    check_expiring_md5(KEY, str(t), expiring_md5(KEY, t).upper(), NOW)  # hex case does not matter
    refusals = {
        "wrong signature": (t, expiring_md5("other", t)),
        "expired": (int(NOW.timestamp()) - 1, expiring_md5(KEY, int(NOW.timestamp()) - 1)),
        "unsigned": (0, ""),
        "no expiry": (None, expiring_md5(KEY, t)),
    }
    for reason, (given_t, sign) in refusals.items():
        with pytest.raises(CallbackUnauthorized) as info:
            check_expiring_md5(KEY, given_t, sign, NOW)
        assert KEY not in info.value.reason, reason
    with pytest.raises(CallbackUnauthorized, match="unsigned"):
        check_expiring_md5(KEY, 0, expiring_md5(KEY, 0), NOW)  # t=0 is "auth off" even with a sign


def test_trro_signature_is_an_hmac_of_the_whole_body() -> None:
    body = b'{"EventType": 306}'
    good = base64.b64encode(hmac.new(KEY.encode(), body, hashlib.sha256).digest()).decode()
    check_body_hmac(KEY, {"sign": good}, body)
    with pytest.raises(CallbackUnauthorized):
        check_body_hmac(KEY, {"Sign": good}, body + b" ")
    with pytest.raises(CallbackUnauthorized):
        check_body_hmac(KEY, {}, body)


# --- readers ------------------------------------------------------------------------------------------------------


def test_tencent_file_event_keeps_what_the_provider_gave_and_masks_the_signature() -> None:
    body = CallbackSender.tencent_file(
        task_id="tc-1", domain="5000.live.push.com", app="live", stream="s1", file_id="F1",
        url="https://1.vod2.myqcloud.com/a.mp4", start=int(START.timestamp()), end=int(END.timestamp()), size=None,
    )  # fmt: skip
    event = tencent.read({}, md5_signed(body), KEY, NOW)
    assert event.kind is CallbackKind.FILE and event.task_id == "tc-1" and event.identity == "tencent:file:F1"
    assert event.file is not None and event.file.size_bytes is None and event.file.duration_seconds == 1800
    assert event.stream is not None and (event.stream.domain, event.stream.app, event.stream.stream) == (
        "5000.live.push.com", "live", "s1",
    )  # fmt: skip
    assert event.at == START and '"sign": "****"' in event.raw and expiring_md5(KEY, 0)[:8] not in event.raw


def test_tencent_status_events_are_trouble_only_for_failures() -> None:
    def status(record_event: str) -> Any:
        body = CallbackSender.tencent_status(session_id="tc-2", record_event=record_event, domain="d", app="a",
                                             stream="s", at=int(START.timestamp()))  # fmt: skip
        return tencent.read({}, md5_signed(body), KEY, NOW)

    assert (status("record_start_failed").kind, status("record_start_failed").trouble) == (
        CallbackKind.TROUBLE, "start_failed",
    )  # fmt: skip
    assert status("record_error").trouble == "error" and status("record_error").task_id == "tc-2"
    assert status("record_start_succeeded").kind is CallbackKind.OTHER
    with pytest.raises(CallbackMalformed):
        tencent.read({}, md5_signed({"stream_id": "s"}), KEY, NOW)


def test_volc_envelope_with_a_stored_object_is_a_file_and_a_flat_failure_is_trouble() -> None:
    body = CallbackSender.volc_record(vhost="v", app="live", stream="s", event_type="record",
                                      detail={"Bucket": "b", "Path": "p/1.mp4", "Duration": "12.5"})  # fmt: skip
    t = int(NOW.timestamp()) + 600
    body["data"] |= {"t": t, "sign": expiring_md5(KEY, t)}
    event = volc.read({}, json.dumps(body).encode(), KEY, NOW)
    assert event.kind is CallbackKind.FILE and event.storage == ("b", "p/1.mp4")
    assert event.file is not None and event.file.duration_seconds == 12.5 and event.file.url is None
    flat = {"vhost": "v", "app": "live", "stream": "s", "event_type": "record_failed"}
    assert volc.read({}, md5_signed(flat), KEY, NOW).trouble == "start_failed"
    with pytest.raises(CallbackUnauthorized):  # auth off
        volc.read({}, json.dumps({"data": {**flat, "t": 0, "sign": ""}}).encode(), KEY, NOW)


def test_trro_events_failover_upload_failure_and_files() -> None:
    def read(event_type: int, payload: dict[str, Any]) -> Any:
        raw = json.dumps(CallbackSender.trro_event(event_type=event_type, task_id="T1", at_ms=1_765_000_000_000,
                                                   payload=payload)).encode()  # fmt: skip
        sign = base64.b64encode(hmac.new(KEY.encode(), raw, hashlib.sha256).digest()).decode()
        return trro.read({"Sign": sign}, raw, KEY, NOW)

    assert read(306, {}).trouble == "lost_stream"
    assert read(305, {"Status": 1}).trouble == "upload_failed"
    uploaded = read(305, {"Status": 0})
    assert uploaded.kind is CallbackKind.FILE and uploaded.storage == ("", "T1/")
    vod = read(310, {"FileId": "F9", "VideoUrl": "https://x.vod2.myqcloud.com/9.mp4", "StartTimeStamp": 1,
                     "EndTimeStamp": 61})  # fmt: skip
    assert vod.file is not None and vod.file.duration_seconds == 60 and vod.task_id == "T1"
    assert read(301, {}).kind is CallbackKind.OTHER


def test_legacy_lvb_file_event_names_the_channel() -> None:
    body = CallbackSender.tencent_file(task_id=None, domain="", app="", stream="8888_ch", file_id="F2",
                                       url="https://1.vod2.myqcloud.com/b.flv", start=1, end=2)  # fmt: skip
    event = qcloud.read({}, md5_signed(body), KEY, NOW)
    assert event.provider == "qcloud" and event.stream is not None and event.stream.stream == "8888_ch"


def test_bodies_no_provider_sends_are_malformed() -> None:
    for raw in (b"\xff", b"not json", b"[]", b'"x"', b"[" * 100 + b"]" * 100, b'{"a":' * 20 + b"1" + b"}" * 20):
        with pytest.raises(CallbackMalformed):
            load_object(raw)
    assert load_object(b'{"a": {"b": [1]}}') == {"a": {"b": [1]}}


# --- links and settings -------------------------------------------------------------------------------------------


def test_only_links_on_allowed_hosts_are_posted() -> None:
    hosts = ("*.vod2.myqcloud.com", "files.example.com")
    assert allowed_link("https://1250.vod2.myqcloud.com/a.mp4", hosts)
    assert allowed_link("http://files.example.com/a.mp4", hosts)
    for url in (
        "https://vod2.myqcloud.com.evil.net/a.mp4",
        "https://1250.vod2.myqcloud.com@evil.net/a.mp4",
        "javascript:alert(1)",
        "https://evilvod2.myqcloud.com/a.mp4",
        "https://sub.files.example.com/a.mp4",
    ):
        assert not allowed_link(url, hosts), url
    assert storage_link("https://{bucket}.tos.example.com/{path}", "b", "/live/a b.mp4") == (
        "https://b.tos.example.com/live/a%20b.mp4"
    )
    assert storage_link(None, "b", "p") is None


def test_callback_settings_report_every_problem_and_keys_come_from_the_environment() -> None:
    problems: list[str] = []
    settings = load_callback_settings(
        {"grace_minutes": 0, "public_url": "ftp://x", "file_url_hosts": {"volc": ["*.a.com"], "nope": []}, "x": 1},
        {}, problems,
    )  # fmt: skip
    joined = "\n".join(problems)
    for needle in ("grace_minutes", "public_url", "file_url_hosts.nope", "[callbacks] x"):
        assert needle in joined
    assert settings.file_url_hosts["volc"] == ("*.a.com",) and settings.grace_minutes == 15
    keys = callback_keys({"VOLC_LIVE_CALLBACK_KEY": "k", "TRRO_CALLBACK_KEY": " "})
    assert list(keys) == ["volc"] and keys["volc"] == Secret("k")


def test_file_facts_are_said_without_inventing_anything() -> None:
    file = RecordedFile(key="k", provider="volc", url=None, duration_seconds=3725, size_bytes=1_234_000_000)
    assert duration_text(file, "en") == "1 h 02 min 05 s" and size_text(file, "en") == "1.2 GB"
    bare = RecordedFile(key="k", provider="volc", url=None)
    assert size_text(bare, "en") == "size not reported" and size_text(bare, "zh-CN") == "未报告大小"
    assert duration_text(bare, "en") == "duration not reported"


# --- the desk -----------------------------------------------------------------------------------------------------


def scheduled(store: SqlRequestStore, stream: str, task_id: str) -> StoredRequest:
    request = TaskRequest(kind="record", provider="tencent", target=StreamTarget("live", stream),
                          window=Window(START, END))  # fmt: skip
    stored = store.propose(request=request, requester="UALICE", text="t", timezone="Asia/Shanghai", lang="en",
                           channel="C1")  # fmt: skip
    for source, to in (
        (RequestState.PROPOSED, RequestState.CONFIRMED),
        (RequestState.CONFIRMED, RequestState.SUBMITTING),
    ):
        store.transition(stored.id, from_states={source}, to=to)
    moved = store.transition(stored.id, from_states={RequestState.SUBMITTING}, to=RequestState.SCHEDULED,
                             task_id=task_id, task=NewTask(task_id, None, START, END))  # fmt: skip
    assert moved is not None
    return moved


def desk_over(store: SqlRequestStore, posted: Posted) -> CallbackDesk:
    life = RequestLife(store, posted, audit=store.audit)
    intake = FileIntake(life, store.files, CallbackSettings(), later=lambda job: job())
    matcher = Matcher(store, {"tencent": frozenset({"5000.live.push.com"})})
    return CallbackDesk(store=store, intake=intake, matcher=matcher, keys={"tencent": Secret(KEY)}, clock=lambda: NOW)


def file_body(
    *, task_id: str | None, stream: str, file_id: str, start: datetime, domain: str = "5000.live.push.com"
) -> bytes:
    return md5_signed(CallbackSender.tencent_file(
        task_id=task_id, domain=domain, app="live", stream=stream, file_id=file_id,
        url=f"https://1.vod2.myqcloud.com/{file_id}.mp4", start=int(start.timestamp()), end=int(start.timestamp()) + 60,
    ))  # fmt: skip


def test_the_desk_matches_by_task_id_then_by_stream_and_window_and_acts_once(store: SqlRequestStore) -> None:
    posted = Posted()
    desk = desk_over(store, posted)
    by_task = scheduled(store, "s1", "tc-a")
    by_stream = scheduled(store, "s2", "tc-b")
    body = file_body(task_id="tc-a", stream="other-name", file_id="F1", start=START)
    assert [desk.answer_callback("tencent", {}, body)[0] for _ in range(3)] == [200, 200, 200]
    assert posted.events(by_task.id) == [Event.FILE_READY]
    assert desk.answer_callback("tencent", {}, file_body(task_id=None, stream="s2", file_id="F2",
                                                         start=START + timedelta(minutes=10)))[0] == 200  # fmt: skip
    assert posted.events(by_stream.id) == [Event.FILE_READY]
    # outside the window (past the margin), another domain, or an unknown task id: audited, not told
    for stray in (
        file_body(task_id=None, stream="s2", file_id="F3", start=END + timedelta(minutes=5)),
        file_body(task_id=None, stream="s2", file_id="F4", start=START, domain="other.push.com"),
        file_body(task_id="tc-unknown", stream="s2", file_id="F5", start=START),
    ):
        assert desk.answer_callback("tencent", {}, stray) == (200, "application/json; charset=utf-8", b'{"code":0}')
    assert posted.events(by_stream.id) == [Event.FILE_READY]
    unmatched = [e for e in store.audit.events() if e.action == "callback"]
    assert len(unmatched) == 3 and all("matched no request" in (e.detail or "") for e in unmatched)
    files = [e for e in store.audit.events() if e.action == "file"]
    assert [e.request_id for e in files] == [by_task.id, by_stream.id]
    trouble = md5_signed(CallbackSender.tencent_status(session_id="tc-b", record_event="record_error", domain="d",
                                                        app="live", stream="s2", at=int(START.timestamp())))  # fmt: skip
    assert [desk.answer_callback("tencent", {}, trouble)[0] for _ in range(2)] == [200, 200]
    assert posted.events(by_stream.id) == [Event.FILE_READY, Event.RECORDING_TROUBLE]
    assert "Recording error" in posted.notes[-1][2] and "<@UALICE>" in posted.notes[-1][2]
    assert desk.answer_callback("volc", {}, body)[0] == 404  # no key configured
    assert desk.answer_callback("tencent", {}, b"x" * 70_000)[0] == 413


def test_a_database_failure_answers_503_and_the_retry_is_handled(store: SqlRequestStore) -> None:
    posted = Posted()
    desk = desk_over(store, posted)
    stored = scheduled(store, "s9", "tc-9")
    body = file_body(task_id="tc-9", stream="s9", file_id="F9", start=START)
    real_add = store.files.add

    def broken(request_id: str, file: RecordedFile) -> bool:
        raise OSError("database gone")

    store.files.add = broken  # type: ignore[method-assign]
    assert desk.answer_callback("tencent", {}, body)[0] == 503
    store.files.add = real_add  # type: ignore[method-assign]
    assert desk.answer_callback("tencent", {}, body)[0] == 200
    assert posted.events(stored.id) == [Event.FILE_READY]


def test_a_file_is_kept_once_and_gathered_for_its_request(store: SqlRequestStore) -> None:
    first = RecordedFile(key="F1", provider="volc", url=None, started_at=START + timedelta(minutes=5))
    earlier = RecordedFile(key="F0", provider="volc", url="https://a.volces.com/0.mp4", started_at=START, size_bytes=7)
    assert store.files.add("r1", first) and store.files.add("r1", earlier)
    assert not store.files.add("r2", first)  # the same provider file, whoever brings it
    assert [f.key for f in store.files.files_of("r1")] == ["F0", "F1"] and store.files.files_of("r2") == []
    assert store.files.files_of("r1")[0] == earlier


def test_the_console_prints_every_file_with_its_facts(store: SqlRequestStore) -> None:
    stored = scheduled(store, "s5", "tc-5")
    files = (
        RecordedFile(
            key="a",
            provider="tencent",
            url="https://1.vod2.myqcloud.com/a.mp4",
            duration_seconds=65,
            size_bytes=2_500_000,
            format="mp4",
        ),
        RecordedFile(key="b.flv", provider="tencent", url=None),
    )
    out = io.StringIO()
    ConsoleNotifier(out).notify(Outcome(Event.FILE_READY, stored, files=files))
    printed = out.getvalue()
    assert "Recording ready" in printed and "https://1.vod2.myqcloud.com/a.mp4 · 1 min 05 s · 2.5 MB · mp4" in printed
    assert "b.flv (no link posted" in printed and "size not reported" in printed
