"""Provider faults end to end: the real ``python -m bot serve`` process, signed Slack requests, the fake Slack and fake
providers that misbehave on purpose (hang, 5xx page, HTML, broken JSON, connection reset, 429 storm).

Every case must end in a definite state the requester can see (the card's last version and one reply in its
thread, explained), with exactly the expected number of create calls at the fake and never a second task. After an
unclear answer from volc or tencent the bot looks the task up: found → scheduled with its TaskId; not found → failed,
"nothing was created; it is safe to try again", with a Retry button the person presses (never a second create by
itself). qcloud and trro cannot be looked up: "outcome unknown, check the console"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.faults_support import leaked_lines, start_server, submit, text_of
from tests.fixtures_slack import click, unique

CREATE = {"volc": "CreatePullRecordTask", "tencent": "CreateRecordTask", "qcloud": "Live_Tape_Start"}
LOOK_UP = {"volc": "ListPullRecordTask", "tencent": "DescribeRecordTask"}
COMMAND = "{stream} tomorrow 15:00 to 15:30 on "


@pytest.fixture(scope="module")
def server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServer]:
    bot = start_server(tmp_path_factory.mktemp("provider-faults"), slack_api, provider_fakes)
    yield bot
    bot.stop()
    assert leaked_lines(bot) == []


@pytest.fixture
def fakes(provider_fakes: FakeProviders) -> FakeProviders:
    """The module's fakes with no fault (and no clock skew) left over from an earlier case."""
    for fake in provider_fakes.all:
        fake.reset()
        fake.clock = time.time  # type: ignore[attr-defined]
    return provider_fakes


@dataclass(frozen=True)
class Case:
    provider: str
    fault: Fault
    times: int
    creates: int  # create calls the fake must see
    tasks: int  # tasks that must exist at the fake afterwards
    card: str  # in the card's final version
    thread: tuple[str, ...]  # in the thread reply
    looked_up: bool  # the bot asked the provider whether the task exists


UNKNOWN = "Outcome unknown"
NOT_SURE = "may or may not have been created"
NOT_CREATED = "the provider has no such task, so nothing was created"
SAFE = "safe to try again"
CASES = {
    "volc timeout, the provider acted → look-up finds it": Case(
        "volc", Fault.delay(2.5, acts=True), 1, 1, 1, "Scheduled · TaskId", ("TaskId",), True
    ),
    "volc timeout, the provider did not act → look-up has none: failed, Retry offered": Case(
        "volc", Fault.delay(2.5, acts=False), 1, 1, 0, "Failed · `Timeout`", ("Timeout", NOT_CREATED, SAFE), True
    ),
    "volc 502 page, nothing done → failed, Retry offered": Case(
        "volc", Fault.http_status(502), 1, 1, 0, "Failed · `HttpError`", ("HTTP 502", NOT_CREATED, SAFE), True
    ),
    "volc 502 page after acting → look-up finds it": Case(
        "volc", Fault.http_status(502, acts=True), 1, 1, 1, "Scheduled · TaskId", ("TaskId",), True
    ),
    "volc HTML instead of JSON": Case(
        "volc", Fault.html(), 1, 1, 0, "Failed · `BadResponse`", ("text/html", NOT_CREATED, SAFE), True
    ),
    "volc malformed JSON after acting → look-up finds it": Case(
        "volc", Fault.malformed_json(acts=True), 1, 1, 1, "Scheduled · TaskId", ("TaskId",), True
    ),
    "volc connection reset": Case(
        "volc", Fault.reset(), 1, 1, 0, "Failed · `ConnectionFailed`", ("connection was closed", NOT_CREATED, SAFE),
        True
    ),
    "volc 429 storm → failed, safe to retry": Case(
        "volc", Fault.rate_limited(), 20, 4, 0, "Failed · `FlowLimitExceeded`", ("rate limit", SAFE), False
    ),
    "volc two 429s, then accepted": Case(
        "volc", Fault.rate_limited(), 2, 3, 1, "Scheduled · TaskId", ("TaskId",), False
    ),
    "tencent timeout, the provider acted → look-up finds it": Case(
        "tencent", Fault.delay(2.5, acts=True), 1, 1, 1, "Scheduled · TaskId", ("TaskId",), True
    ),
    "tencent 503 page, nothing done → failed, Retry offered": Case(
        "tencent", Fault.http_status(503), 1, 1, 0, "Failed · `HttpError`", ("HTTP 503", NOT_CREATED, SAFE), True
    ),
    "tencent malformed JSON, nothing done": Case(
        "tencent", Fault.malformed_json(), 1, 1, 0, "Failed · `BadResponse`", (NOT_CREATED, SAFE), True
    ),
    "tencent 429 storm → failed, safe to retry": Case(
        "tencent", Fault.rate_limited(), 20, 4, 0, "Failed", (SAFE,), False
    ),
    "qcloud timeout (no look-up possible)": Case(
        "qcloud", Fault.delay(5, acts=True), 1, 1, 1, UNKNOWN, ("Timeout", NOT_SURE, "console"), False
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_a_provider_fault_ends_in_a_definite_explained_state_without_duplicates(
    name: str, server: BotServer, slack_api: FakeSlack, fakes: FakeProviders
) -> None:
    case = CASES[name]
    fake = getattr(fakes, case.provider)
    stream = f"8888_{unique('f')}" if case.provider == "qcloud" else f"live/{unique('f')}"
    fake.inject(case.fault, action=CREATE[case.provider], times=case.times)

    submission = submit(server, slack_api, COMMAND + case.provider, stream=stream)

    card = submission.final_state(slack_api)
    assert case.card in card, card
    replies = submission.thread(slack_api)
    assert len(replies) == 1, replies
    reply = text_of(replies[0])
    for expected in case.thread:
        assert expected in reply, reply
    creates = fake.calls_to(CREATE[case.provider])
    assert len(creates) == case.creates, [c.outcome for c in creates]
    assert len(fake.tasks) == case.tasks
    if case.provider in LOOK_UP:
        assert bool(fake.calls_to(LOOK_UP[case.provider])) is case.looked_up
    if "Scheduled" in case.card:
        (task_id,) = fake.tasks
        assert task_id in card and task_id in reply
    if SAFE in case.thread:
        assert "request_retry" in reply  # a Retry button: nothing was created
    if card.startswith(UNKNOWN) or UNKNOWN in card:
        assert "request_retry" not in reply  # no Retry button when a retry could record twice


def test_retry_after_a_429_storm_creates_exactly_one_task(
    server: BotServer, slack_api: FakeSlack, fakes: FakeProviders
) -> None:
    fakes.volc.inject(Fault.rate_limited(), action=CREATE["volc"], times=4)
    submission = submit(server, slack_api, COMMAND + "volc", stream=f"live/{unique('storm')}")
    assert "Failed" in submission.final_state(slack_api)
    retry = click(
        server, slack_api, "request_retry", submission.request_id,
        channel=submission.channel, card_ts=submission.card_ts, thread_ts=submission.card_ts,
    )  # fmt: skip
    assert retry.status_code == 200
    replies = submission.thread(slack_api, count=2)
    assert "TaskId" in text_of(replies[-1])
    assert len(fakes.volc.tasks) == 1
    assert [c.outcome for c in fakes.volc.calls_to(CREATE["volc"])] == ["rate_limit"] * 4 + ["ok"]


def test_after_a_502_the_look_up_did_not_find_only_the_persons_retry_creates_it(
    server: BotServer, slack_api: FakeSlack, fakes: FakeProviders
) -> None:
    fakes.volc.inject(Fault.http_status(502), action=CREATE["volc"])
    submission = submit(server, slack_api, COMMAND + "volc", stream=f"live/{unique('nc')}")
    assert "Failed · `HttpError`" in submission.final_state(slack_api)
    assert len(fakes.volc.calls_to(CREATE["volc"])) == 1 and not fakes.volc.tasks  # no second create by itself
    retry = click(
        server, slack_api, "request_retry", submission.request_id,
        channel=submission.channel, card_ts=submission.card_ts, thread_ts=submission.card_ts,
    )  # fmt: skip
    assert retry.status_code == 200
    replies = submission.thread(slack_api, count=2)
    assert "TaskId" in text_of(replies[-1])
    assert len(fakes.volc.tasks) == 1
    assert [c.outcome for c in fakes.volc.calls_to(CREATE["volc"])][-1] == "ok"
    assert len(fakes.volc.calls_to(CREATE["volc"])) == 2


def test_a_timeout_then_a_second_click_never_creates_twice(
    server: BotServer, slack_api: FakeSlack, fakes: FakeProviders
) -> None:
    fakes.volc.inject(Fault.delay(2.5, acts=True), action=CREATE["volc"])
    submission = submit(server, slack_api, COMMAND + "volc", stream=f"live/{unique('twice')}")
    token = unique("again")
    again = click(
        server, slack_api, "request_confirm", submission.request_id,
        channel=submission.channel, card_ts=submission.card_ts, response_token=token,
    )  # fmt: skip
    assert again.status_code == 200
    # the card is updated through the newest click's response_url (both address the same message)
    assert "Scheduled" in replace(submission, token=token).final_state(slack_api)
    assert len(submission.thread(slack_api)) == 1
    assert len(fakes.volc.calls_to(CREATE["volc"])) == 1
    assert len(fakes.volc.tasks) == 1


SKEW = 10 * 60  # seconds: the providers' clocks run 10 minutes ahead of the bot's


@pytest.mark.parametrize(
    ("provider", "stream", "explained"),
    [
        ("tencent", "live/{}", "clock is more than 5 minutes off"),  # Tencent accepts 5 minutes of skew
        ("qcloud", "8888_{}", "clock"),  # the legacy signature's expiry time has passed
        ("volc", "live/{}", None),  # Volcengine accepts 15 minutes: it still works
    ],
)
def test_a_clock_ten_minutes_off_is_explained_and_creates_nothing(
    provider: str, stream: str, explained: str | None, *, server: BotServer, slack_api: FakeSlack, fakes: FakeProviders
) -> None:
    fake = getattr(fakes, provider)
    fake.clock = lambda: time.time() + SKEW
    submission = submit(server, slack_api, COMMAND + provider, stream=stream.format(unique("skew")))
    card = submission.final_state(slack_api)
    reply = text_of(submission.thread(slack_api)[0])
    if explained is None:
        assert "Scheduled" in card and len(fake.tasks) == 1
        return
    assert "Failed" in card, card
    assert explained in reply, reply
    assert fake.tasks == {}
    assert "request_retry" in reply  # nothing was created: trying again (after fixing the clock) is safe
