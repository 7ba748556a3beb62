"""No secret ever leaves the bot: every flow is run with recognizable canary credentials, and none of them may appear
in any Slack call, any log line of the server, any HTTP answer, the database (audit log included), the audit export
or the console's output.

The flows: success on every provider, each kind of failure (provider error — even one whose code, message, TaskId or
RequestId echoes a secret, upper-cased or split —
timeout, 5xx page, HTML, connection reset, 429 storm, an invalid key), dry runs, a mention, help, list, cancel of a
scheduled task, and the console (dry run and a real submission).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.provider_server import ApiError
from tests.fakes.providers import FakeProviders, FakeQcloud, FakeTencentLive, FakeTrro, FakeVolc, Fault
from tests.fakes.slack import FakeSlack, running_fake_slack
from tests.fakes.slack_requests import BotServer, app_mention_body, block_action_body, slash_command_body
from tests.faults_support import Submission, replayable_lines, submit, text_of
from tests.fixtures_slack import REQUESTER, ROOT, unique

CANARY = {
    "VOLCENGINE_ACCESS_KEY": "AKLTCANARYVOLC7001",
    "VOLCENGINE_SECRET_KEY": "canary-volc-secret-7f3a9c",
    "TENCENTCLOUD_SECRET_ID": "AKIDCANARYTENCENT7002",
    "TENCENTCLOUD_SECRET_KEY": "canary-tencent-secret-8b2d4e",
    "QCLOUD_LIVE_APPID": "1234",
    "QCLOUD_LIVE_API_KEY": "canaryqcloudkey9c8d7e6f5a4b3c2d",
    "TRRO_STORAGE_ACCESS_KEY": "canary-cos-access-1d2e",
    "TRRO_STORAGE_SECRET_KEY": "canary-cos-secret-3f4a",
}
BOT_TOKEN = "xoxb-canary-slack-bot-token-5e6f"
SIGNING_SECRET = "canary-signing-secret-7a8b"
CALLBACK_KEY = "canary-callback-key-2c3d"
#: Secret values (key ids and the qcloud app id identify an account; they sign nothing and may be shown).
SECRETS = (
    CANARY["VOLCENGINE_SECRET_KEY"],
    CANARY["TENCENTCLOUD_SECRET_KEY"],
    CANARY["QCLOUD_LIVE_API_KEY"],
    CANARY["TRRO_STORAGE_ACCESS_KEY"],
    CANARY["TRRO_STORAGE_SECRET_KEY"],
    BOT_TOKEN,
    SIGNING_SECRET,
    CALLBACK_KEY,
)


def _letters(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalnum())


def leaks(text: str) -> list[str]:
    """The secrets in ``text``, in any case and however split by spaces or punctuation."""
    found = _letters(text)
    return [secret for secret in SECRETS if _letters(secret) in found]


class EchoingVolc(FakeVolc):
    """Volcengine that, while ``echo`` is set, puts it into every TaskId and RequestId it hands out."""

    echo = ""

    def new_id(self, prefix: str = "task") -> str:
        return f"{prefix}-{self.echo}" if self.echo else super().new_id(prefix)

    def success(self, action: str, result: dict[str, Any], request_id: str) -> tuple[int, dict[str, Any]]:
        return super().success(action, result, f"req {self.echo}" if self.echo else request_id)

    def failure(self, action: str, error: ApiError, request_id: str) -> tuple[int, dict[str, Any]]:
        return super().failure(action, error, f"req {self.echo}" if self.echo else request_id)


class Canaries(FakeProviders):
    """The four fake providers, accepting only the canary credentials."""

    def __init__(self) -> None:
        self.echoing = EchoingVolc(CANARY["VOLCENGINE_ACCESS_KEY"], CANARY["VOLCENGINE_SECRET_KEY"])
        self.volc = self.echoing
        self.tencent = FakeTencentLive(CANARY["TENCENTCLOUD_SECRET_ID"], CANARY["TENCENTCLOUD_SECRET_KEY"])
        self.qcloud = FakeQcloud(CANARY["QCLOUD_LIVE_APPID"], CANARY["QCLOUD_LIVE_API_KEY"])
        self.trro = FakeTrro(CANARY["TENCENTCLOUD_SECRET_ID"], CANARY["TENCENTCLOUD_SECRET_KEY"])

    def env(self) -> dict[str, str]:
        return {**super().env(), **CANARY, "VOLC_LIVE_CALLBACK_KEY": CALLBACK_KEY}


class Recorder:
    """The bot server plus every HTTP answer it gave."""

    def __init__(self, server: BotServer, slack: FakeSlack) -> None:
        self.server, self.slack = server, slack
        self.answers: list[str] = []

    def form(self, body: bytes) -> httpx.Response:
        response: httpx.Response = self.server.form(body)
        self.answers.append(response.text)
        return response

    def command(self, text: str, channel: str = "CLEAK", slash: str = "/record") -> httpx.Response:
        url = self.slack.response_url(unique("leakcmd"))
        return self.form(slash_command_body(command=slash, text=text, user=REQUESTER, channel=channel,
                                            response_url=url))  # fmt: skip

    def click(self, action: str, request_id: str, channel: str, ts: str) -> httpx.Response:
        url = self.slack.response_url(unique("leakclick"))
        return self.form(block_action_body(action_id=action, value=request_id, user=REQUESTER, channel=channel,
                                           message_ts=ts, response_url=url, thread_ts=ts))  # fmt: skip


@pytest.fixture(scope="module")
def canaries() -> Iterator[Canaries]:
    fakes = Canaries()
    with fakes:
        yield fakes


@pytest.fixture(scope="module")
def world(canaries: Canaries, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Recorder, Path]]:
    home = tmp_path_factory.mktemp("leak")
    (home / "bot.toml").write_text(canaries.toml(timeout_seconds=1.0), encoding="utf-8")
    with running_fake_slack() as slack:
        slack.set_user(REQUESTER)
        env = {
            "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_CONFIG": str(home / "bot.toml"),
            "BOT_DATA_DIR": str(home / "data"), "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url, "PORT": "0", "HOST": "127.0.0.1", **canaries.env(),
        }  # fmt: skip
        server = BotServer(env, signing_secret=SIGNING_SECRET, cwd=str(home)).start()
        try:
            yield Recorder(server, slack), home
        finally:
            server.stop()


FAILURES = {
    "an error echoing the secret": Fault.error("InvalidParam", f"bad signature for {CANARY['VOLCENGINE_SECRET_KEY']}"),
    "timeout": Fault.delay(2.0, acts=False),
    "5xx page": Fault.http_status(502),
    "HTML": Fault.html(),
    "reset": Fault.reset(),
    "invalid key": Fault.error("InvalidAccessKey", "the access key is not valid", status=401),
    "a code echoing a secret, upper-cased": Fault.error(f"InvalidParam.{CANARY['VOLCENGINE_SECRET_KEY'].upper()}"),
    "a message echoing the Slack token, split": Fault.error("InvalidParam", " ".join(BOT_TOKEN.split("-"))),
    "a message echoing the signing secret and a callback key": Fault.error(
        "InvalidParam", f"{SIGNING_SECRET.replace('-', '.')} / {CALLBACK_KEY.upper()}"
    ),
}
#: What the provider puts into TaskIds and RequestIds of the echoing submissions.
ECHOES = (CANARY["TRRO_STORAGE_SECRET_KEY"].upper(), " ".join(SIGNING_SECRET), CALLBACK_KEY.replace("-", "_"))


def run_every_flow(bot: Recorder, fakes: Canaries) -> list[Submission]:
    """Drive every Slack flow once; returns the submissions (each must have ended)."""
    server, slack = bot.server, bot.slack
    done: list[Submission] = []
    for provider, stream in (("volc", "live/{}"), ("tencent", "live/{}"), ("qcloud", "8888_{}")):
        done.append(submit(server, slack, "{stream} tomorrow 15:00 to 15:30 on " + provider,
                           stream=stream.format(unique("ok")), prefix="CLEAK"))  # fmt: skip
        bot.command(f"{stream.format(unique('dry'))} tomorrow 15:00 to 15:30 on {provider} dry-run")
    bot.command("kdev/0 now for 30m on trro dry-run")
    relay = bot.command("live/relay1 from rtmp://src.example.com/live/in tomorrow 9am to 11am on volc dry-run",
                        slash="/relay")  # fmt: skip
    assert "CreateRelaySourceV4" in relay.text, relay.text
    done.append(submit(server, slack, "{stream} now for 30m on trro", stream="kdev/0", prefix="CLEAK"))
    for fault in FAILURES.values():
        fakes.volc.inject(fault, action="CreatePullRecordTask")
        done.append(submit(server, slack, "{stream} tomorrow 15:00 to 15:30 on volc",
                           stream=f"live/{unique('fail')}", prefix="CLEAK"))  # fmt: skip
        done[-1].final_state(slack)
    for echo in ECHOES:  # a success and a failure whose TaskId / RequestId carry a secret
        fakes.echoing.echo = echo
        done.append(submit(server, slack, "{stream} tomorrow 15:00 to 15:30 on volc",
                           stream=f"live/{unique('echo')}", prefix="CLEAK"))  # fmt: skip
        done[-1].final_state(slack)
        fakes.volc.inject(Fault.error("InvalidParam", "refused"), action="CreatePullRecordTask")
        done.append(submit(server, slack, "{stream} tomorrow 15:00 to 15:30 on volc",
                           stream=f"live/{unique('echo')}", prefix="CLEAK"))  # fmt: skip
        done[-1].final_state(slack)
    fakes.echoing.echo = ""
    fakes.tencent.inject(Fault.rate_limited(), action="CreateRecordTask", times=4)
    done.append(submit(server, slack, "{stream} tomorrow 15:00 to 15:30 on tencent",
                       stream=f"live/{unique('storm')}", prefix="CLEAK"))  # fmt: skip
    for submission in done:
        submission.final_state(slack)
    scheduled = done[0]
    bot.click("task_cancel", scheduled.request_id, scheduled.channel, scheduled.card_ts)
    scheduled.thread(slack, count=2)
    bot.command("help")
    bot.command("list")
    mention = app_mention_body(event_id=unique("Ev"), user=REQUESTER, channel="CLEAK", ts="1700000000.000100",
                               text="<@UBOT> record live/mention1 tomorrow 15:00 to 15:30 on volc dry-run")  # fmt: skip
    bot.answers.append(server.event(mention).text)
    slack.wait_for("chat.postEphemeral", channel="CLEAK", thread_ts="1700000000.000100")
    return done


def test_no_canary_credential_appears_in_slack_logs_answers_or_the_database(
    world: tuple[Recorder, Path], canaries: Canaries
) -> None:
    bot, home = world
    submissions = run_every_flow(bot, canaries)
    assert len(submissions) == 4 + len(FAILURES) + 2 * len(ECHOES) + 1
    slack_calls = list(bot.slack.calls)
    thread_texts = " ".join(text_of(s.thread(bot.slack)[0]) for s in submissions)
    assert "InvalidParam" in thread_texts and "TaskId" in thread_texts  # the flows really ran
    assert any("dry" in answer.lower() or "would" in answer.lower() for answer in bot.answers)

    for call in slack_calls:
        shown = {name: value for name, value in call.headers.items() if name != "authorization"}
        assert leaks(json.dumps([call.params, shown], ensure_ascii=False)) == [], call.method
    assert {c.headers.get("authorization") for c in slack_calls if not c.method.startswith("response_url")} == {
        f"Bearer {BOT_TOKEN}"  # the one place the token belongs
    }
    for answer in bot.answers:
        assert leaks(answer) == [], answer
    bot.server.stop()  # flush the log
    assert [line for line in bot.server.log if leaks(line)] == []
    assert replayable_lines(bot.server) == []  # a response_url lets anyone post as the bot for 30 minutes
    database = sqlite3.connect(home / "data" / "bot.sqlite3")
    try:
        dump = "\n".join(database.iterdump())
    finally:
        database.close()
    assert "audit" in dump and "InvalidParam" in dump
    assert leaks(dump) == []
    exported = run(["audit", "--format", "json"], home, bot.server.env)
    assert leaks(exported.stdout + exported.stderr) == []


def run(
    args: list[str], home: Path, env: dict[str, str], lines: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input="".join(f"{line}\n" for line in lines),
                          capture_output=True, text=True, cwd=home, env=env, timeout=60)  # fmt: skip


def test_the_console_never_prints_a_canary(canaries: Canaries, tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(canaries.toml(timeout_seconds=1.0), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_CONFIG": str(tmp_path / "bot.toml"),
           "BOT_DATA_DIR": str(tmp_path / "data"), **canaries.env()}  # fmt: skip
    canaries.volc.inject(Fault.error("InvalidParam", f"echo {CANARY['VOLCENGINE_SECRET_KEY']}"),
                         action="CreatePullRecordTask")  # fmt: skip
    lines = (
        "record live/console1 tomorrow 15:00 to 15:30 on volc dry-run",
        "record live/console2 tomorrow 15:00 to 15:30 on tencent dry-run",
        "record 8888_console3 tomorrow 15:00 to 15:30 on qcloud dry-run",
        "record kdev/0 now for 30m on trro dry-run",
        "record live/console4 tomorrow 15:00 to 15:30 on volc",
        "y",
        "record live/console5 tomorrow 15:00 to 15:30 on volc",
        "y",
        "list",
        "quit",
    )
    result = run(["console"], tmp_path, env, lines)
    assert result.returncode == 0, result.stderr
    assert "InvalidParam" in result.stdout and "TaskId" in result.stdout  # both submissions really happened
    assert leaks(result.stdout + result.stderr) == []
