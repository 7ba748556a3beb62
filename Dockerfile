# live-record-bot: `python -m bot serve` (Slack over HTTP on $PORT). SQLite lives on the /data volume unless
# DATABASE_URL points at PostgreSQL. Build: docker build -t live-record-bot .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATA_DIR=/data \
    PORT=3000

WORKDIR /app

# Dependencies first, exactly as locked (hashes checked), so code changes reuse this layer.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY providers ./providers
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p /data \
    && chown bot /data

USER 10001
VOLUME ["/data"]
EXPOSE 3000

CMD ["python", "-m", "bot", "serve"]
