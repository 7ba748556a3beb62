"""The Slack send queue against the fake Slack (which enforces a pace per channel, like Slack): order per channel,
no 429 at the queue's pace, Retry-After honoured with order kept, callers never wait, and a drain on close."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.lifecycle import CardRef
from bot.slack.replies import SlackReplies
from bot.slack.send_queue import SendQueue
from bot.slack.settings import slack_problems
from tests.fakes.slack import ChannelPace, FakeSlack, running_fake_slack

FAST = ChannelPace(per_second=10.0, burst=3)  # keeps these tests quick; the first test runs at Slack's own pace


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSlack]:
    with running_fake_slack() as started:
        yield started


@pytest.fixture
def fake(server: FakeSlack) -> FakeSlack:
    server.reset()
    server.channel_pace = ChannelPace()
    server.slow.clear()
    return server


def replies_for(fake: FakeSlack, queue: SendQueue) -> SlackReplies:
    """Posting as the app does: the client retries no 429, the queue answers it."""
    return SlackReplies(WebClient(token="xoxb-test", base_url=fake.api_url), queue=queue)


def texts(fake: FakeSlack, channel: str) -> list[str]:
    return [str(c.params["text"]) for c in fake.calls_to("chat.postMessage", channel=channel)]


def test_at_slacks_own_pace_a_burst_in_one_channel_arrives_in_order_without_a_429(fake: FakeSlack) -> None:
    queue = SendQueue()  # Slack's pace: about one message per second per channel
    replies = replies_for(fake, queue)
    for n in range(5):
        replies.reply_in_thread(CardRef(channel="CPACE", ts="1.1"), {"text": f"note {n}"})
    assert queue.close(timeout=30)
    assert texts(fake, "CPACE") == [f"note {n}" for n in range(5)]
    assert fake.rate_limited() == [] and queue.rate_limited == 0


def test_channels_keep_their_own_order_and_never_trip_the_pace(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    queue = SendQueue(per_second=FAST.per_second)
    replies = replies_for(fake, queue)
    for n in range(8):
        for channel in ("CA", "CB"):
            replies.reply_in_thread(CardRef(channel=channel, ts="1.1"), {"text": f"{channel} {n}"})
        replies.update_card(CardRef(channel="CA", ts="1.1"), {"text": f"card {n}"})
    assert queue.close(timeout=30)
    assert texts(fake, "CA") == [f"CA {n}" for n in range(8)]
    assert texts(fake, "CB") == [f"CB {n}" for n in range(8)]
    assert [c.params["text"] for c in fake.calls_to("chat.update", channel="CA")] == [f"card {n}" for n in range(8)]
    assert fake.rate_limited() == []


def test_a_429_is_sent_again_after_retry_after_and_the_channel_keeps_its_order(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    queue = SendQueue(per_second=FAST.per_second)
    replies = replies_for(fake, queue)
    for n in range(3):
        replies.reply_in_thread(CardRef(channel="C429", ts="1.1"), {"text": f"note {n}"})
    assert queue.close(timeout=30)
    attempts = [(c.params["text"], c.status) for c in fake.calls if c.method == "chat.postMessage"]
    assert attempts == [("note 0", 429), ("note 0", 200), ("note 1", 200), ("note 2", 200)]
    first_refused, first_sent = (c.at for c in fake.calls if c.params.get("text") == "note 0")
    assert first_sent - first_refused >= 0.9  # Retry-After: 1 (seconds, as Slack sends it)
    assert queue.rate_limited == 1


def test_posting_never_waits_for_slack(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    fake.slow["chat.postMessage"] = 1.0  # answers (and records) a second after the request arrives
    queue = SendQueue(per_second=FAST.per_second)
    replies = replies_for(fake, queue)
    replies.reply_in_thread(CardRef(channel="CSLOW", ts="1.1"), {"text": "slow"})
    replies.ephemeral(channel="CSLOW", user="U1", message={"text": "only you"})
    assert fake.calls_to("chat.postMessage", channel="CSLOW") == []  # returned before Slack answered
    assert queue.close(timeout=30)
    assert texts(fake, "CSLOW") == ["slow"]
    assert len(fake.calls_to("chat.postEphemeral", channel="CSLOW")) == 1


def test_post_waits_for_its_turn_and_returns_the_new_ts(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    queue = SendQueue(per_second=FAST.per_second)
    replies = replies_for(fake, queue)
    ts = replies.post("CTS", {"text": "a card"})
    assert ts is not None and fake.calls_to("chat.postMessage", channel="CTS")[0].params["text"] == "a card"
    queue.close()


def test_close_sends_what_is_queued_and_refuses_what_comes_after(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    queue = SendQueue(per_second=FAST.per_second, burst=1)
    replies = replies_for(fake, queue)
    for n in range(6):
        replies.reply_in_thread(CardRef(channel="CDRAIN", ts="1.1"), {"text": f"note {n}"})
    assert queue.close(timeout=30)
    assert texts(fake, "CDRAIN") == [f"note {n}" for n in range(6)]
    late = queue.submit("CDRAIN", lambda: "too late")
    assert isinstance(late.exception(timeout=5), RuntimeError)


def test_a_slow_channel_does_not_hold_up_another(fake: FakeSlack) -> None:
    fake.channel_pace = FAST
    queue = SendQueue(per_second=FAST.per_second)
    release = threading.Event()
    held = queue.submit("CHELD", release.wait)
    other = queue.submit("COTHER", lambda: "sent")
    assert other.result(timeout=10) == "sent" and not held.done()
    release.set()
    assert held.result(timeout=10) is True
    queue.close()


def test_the_channel_pace_is_a_setting_checked_at_startup() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s"}
    settings, problems = slack_problems({**env, "SLACK_CHANNEL_PACE": "2.5"}, "serve")
    assert problems == [] and settings is not None and settings.channel_pace == 2.5
    defaults, _ = slack_problems(env, "serve")
    assert defaults is not None and defaults.channel_pace == 1.0  # Slack: about one message per second per channel
    for wrong in ("fast", "0", "-1"):
        _, problems = slack_problems({**env, "SLACK_CHANNEL_PACE": wrong}, "serve")
        assert [p for p in problems if p.startswith("SLACK_CHANNEL_PACE")], wrong
