"""Log lines are scrubbed once, by the formatter: secrets, response_urls, legacy signatures, URL passwords."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from bot.flow.workers import Workers
from bot.log_context import about_request
from bot.logs import RedactingFormatter, configure_logging, redact

ENV = {
    "VOLCENGINE_SECRET_KEY": "SKcanary-volc-0001",
    "TENCENTCLOUD_SECRET_KEY": "TCcanary-tencent-0002",
    "SLACK_BOT_TOKEN": "xoxb-canary-0003",
    "SLACK_SIGNING_SECRET": "canary-signing-0004",
}
RESPONSE_URL = "https://hooks.slack.com/actions/T0001/123456/AbCdEfToken"
SIGNED = "http://fcgi.video.qcloud.com/common_access?appid=1&t=1700000060&sign=b17971b51ba0fe5916ddcd96692e9fb3"
DB_URL = "postgresql://bot:hunter2-password@db.example.com:5432/bot"


def test_redact_removes_every_kind_of_secret() -> None:
    line = " ".join([*ENV.values(), RESPONSE_URL, SIGNED, DB_URL])
    scrubbed = redact(line, ENV.values())
    for value in ENV.values():
        assert value not in scrubbed
    assert "AbCdEfToken" not in scrubbed and "<response_url>" in scrubbed
    assert "b17971b51ba0fe5916ddcd96692e9fb3" not in scrubbed and "sign=****" in scrubbed
    assert "hunter2-password" not in scrubbed and "postgresql://bot:****@db.example.com" in scrubbed


def test_redact_leaves_ordinary_text_alone() -> None:
    line = "request rk4q2mz on volc: TaskId f831f3b0 scheduled for live/s1"
    assert redact(line, ENV.values()) == line


@pytest.fixture
def root_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    root.handlers = [logging.StreamHandler(stream)]
    try:
        yield stream
    finally:
        root.handlers, root.level = saved_handlers, saved_level


def test_configured_logging_scrubs_messages_and_tracebacks(root_stream: io.StringIO) -> None:
    configure_logging(ENV)
    assert all(isinstance(h.formatter, RedactingFormatter) for h in logging.getLogger().handlers)
    log = logging.getLogger("bot.test")
    try:
        raise RuntimeError(f"database said: [parameters: ('{RESPONSE_URL}', '{ENV['SLACK_BOT_TOKEN']}')]")
    except RuntimeError:
        log.exception("could not save request %s via %s", "rk4q2mz", DB_URL)
    output = root_stream.getvalue()
    assert "rk4q2mz" in output and "RuntimeError" in output
    for leaked in ("AbCdEfToken", ENV["SLACK_BOT_TOKEN"], "hunter2-password"):
        assert leaked not in output


def test_libraries_that_log_urls_are_quieted(root_stream: io.StringIO) -> None:
    configure_logging(ENV)
    for name in ("httpx", "slack_sdk", "slack_bolt"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


def test_json_lines_carry_the_request_id_and_are_scrubbed_before_encoding(root_stream: io.StringIO) -> None:
    quoted = 'SK"quoted\\secret-0005'  # JSON would escape it: scrubbing the encoded line would miss it
    configure_logging({**ENV, "VOLCENGINE_SECRET_KEY": quoted, "BOT_LOG_FORMAT": "json"})
    log = logging.getLogger("bot.test")
    log.warning("create failed for %s with %s", "rk4q2mz", quoted, extra={"request_id": "rk4q2mz"})
    log.info("scheduler pass done")
    try:
        raise RuntimeError(f"provider said {ENV['TENCENTCLOUD_SECRET_KEY']} at {RESPONSE_URL}")
    except RuntimeError:
        log.exception("confirm failed", extra={"request_id": "rk4q2mz"})
    lines = [json.loads(line) for line in root_stream.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "INFO", "ERROR"]
    assert lines[0]["request_id"] == "rk4q2mz" and "request_id" not in lines[1]
    assert lines[0]["message"] == "create failed for rk4q2mz with ****" and lines[0]["logger"] == "bot.test"
    assert "RuntimeError" in lines[2]["error"] and "<response_url>" in lines[2]["error"]
    output = root_stream.getvalue()
    for leaked in ("quoted", ENV["TENCENTCLOUD_SECRET_KEY"], "AbCdEfToken"):
        assert leaked not in output


def test_alembic_and_bolts_unused_token_notice_are_quiet(root_stream: io.StringIO) -> None:
    configure_logging(ENV)
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("slack_bolt").warning("As you gave `client` as well, `token` will be unused.")
    logging.getLogger("slack_bolt").warning("a Bolt warning someone can act on")
    output = root_stream.getvalue()
    assert "Context impl" not in output and "will be unused" not in output
    assert "a Bolt warning someone can act on" in output


def test_lines_logged_while_the_bot_works_on_a_request_carry_its_id(root_stream: io.StringIO) -> None:
    configure_logging({**ENV, "BOT_LOG_FORMAT": "json"})
    ran = threading.Event()

    def provider_job() -> None:  # what a provider call logs from the flow's workers
        logging.getLogger("providers").warning("volc CreatePullRecordTask failed: InvalidParam")
        ran.set()

    workers = Workers(1)
    workers.run(provider_job, about="rk4q2mz")
    workers.drain(timeout=10)
    workers.close()
    with about_request("rzzzzzz"):  # a scheduler job or a reconciliation step
        logging.getLogger("bot.flow").info("moved")
    logging.getLogger("bot.test").info("not about a request")
    lines = [json.loads(line) for line in root_stream.getvalue().splitlines()]
    assert ran.is_set()
    assert [line.get("request_id") for line in lines] == ["rk4q2mz", "rzzzzzz", None]
