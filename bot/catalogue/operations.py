"""Sentences for the people who run the bot: start-up, data, metrics, pruning and the audit export."""

TEXT: dict[str, dict[str, str]] = {
    # --- where the data lives (bot/store/engine.py) ---
    "ops.ephemeral_sqlite": {
        "en": (
            "DATABASE_URL: not set, and DYNO says this is a platform dyno whose disk is wiped on every restart, so "
            "an SQLite file there would lose every request. Attach PostgreSQL (DATABASE_URL=postgres://…), or set "
            "BOT_ALLOW_EPHEMERAL_SQLITE=1 to accept losing the data."
        ),
        "zh-CN": (
            "DATABASE_URL：未设置，而 DYNO 表明这是一个每次重启都会清空磁盘的平台 dyno，放在那里的 SQLite 文件会丢失所有请求。"
            "请接入 PostgreSQL（DATABASE_URL=postgres://…），或设置 BOT_ALLOW_EPHEMERAL_SQLITE=1 表示接受数据丢失。"
        ),
    },
    "ops.data_dir_unusable": {
        "en": "BOT_DATA_DIR: cannot create {path} ({reason})",
        "zh-CN": "BOT_DATA_DIR：无法创建 {path}（{reason}）",
    },
    # --- the console's first lines (bot/cli/console_cmd.py) ---
    "ops.start.config_read": {
        "en": "Configuration: {path}",
        "zh-CN": "配置文件：{path}",
    },
    "ops.start.config_none": {
        "en": "Configuration: no {path} found, so the defaults are used. To make one: cp bot.example.toml bot.toml (or set BOT_CONFIG).",
        "zh-CN": "配置文件：没有找到 {path}，使用默认设置。要创建一个：cp bot.example.toml bot.toml（或设置 BOT_CONFIG）。",
    },
    "ops.start.timezone": {
        "en": "Times are read in {zone}.",
        "zh-CN": "时间按 {zone} 理解。",
    },
    "ops.start.providers_live": {
        "en": "Providers: {live} — live: Confirm sends real requests.",
        "zh-CN": "云服务商：{live} —— 正式模式：确认后会发送真实请求。",
    },
    "ops.start.providers_mixed": {
        "en": "Providers: {live} live (Confirm sends real requests); {dry} without credentials, so a dry run.",
        "zh-CN": "云服务商：{live} 为正式模式（确认后会发送真实请求）；{dry} 没有凭据，只做演练。",
    },
    "ops.start.providers_none": {
        "en": "Providers: none has credentials ({dry}), so this is a dry run: nothing is sent.",
        "zh-CN": "云服务商：都没有凭据（{dry}），所以这是演练：不会发送任何请求。",
    },
    "ops.start.data": {
        "en": "Data: {where}",
        "zh-CN": "数据：{where}",
    },
    "ops.start.data_created": {
        "en": "Data: {where} (created just now)",
        "zh-CN": "数据：{where}（刚刚创建）",
    },
    # --- python -m bot audit / prune (bot/cli/audit_cmd.py, bot/cli/prune_cmd.py) ---
    "ops.audit.empty": {
        "en": "The audit log has no events{since}.",
        "zh-CN": "审计日志中没有事件{since}。",
    },
    "ops.audit.empty_since": {
        "en": " since {moment}",
        "zh-CN": "（自 {moment} 起）",
    },
    "ops.audit.progress": {
        "en": "audit: {count} events written",
        "zh-CN": "审计：已写出 {count} 条事件",
    },
    "ops.prune.dry_run": {
        "en": "Would delete {requests} requests and {events} audit events from before {moment} (and their jobs). Nothing was deleted; add --yes to delete them.",
        "zh-CN": "将删除 {moment} 之前的 {requests} 个请求和 {events} 条审计事件（以及它们的任务）。尚未删除任何内容；加上 --yes 才会删除。",
    },
    "ops.prune.done": {
        "en": "Deleted {requests} requests and {events} audit events from before {moment}.",
        "zh-CN": "已删除 {moment} 之前的 {requests} 个请求和 {events} 条审计事件。",
    },
    "ops.prune.bad_before": {
        "en": "--before: {value!r} is not understood; use an age such as 180d or 26w, or a date such as 2026-06-01.",
        "zh-CN": "--before：无法理解 {value!r}；请使用时长如 180d 或 26w，或日期如 2026-06-01。",
    },
    # --- GET /metrics (bot/metrics.py) ---
    "ops.metrics.unauthorized": {
        "en": "A bearer token is needed: Authorization: Bearer <METRICS_TOKEN>.",
        "zh-CN": "需要 bearer 令牌：Authorization: Bearer <METRICS_TOKEN>。",
    },
}
