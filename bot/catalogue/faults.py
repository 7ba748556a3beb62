"""Sentences for the bot's own infrastructure failing (its database), shown instead of a crash."""

TEXT: dict[str, dict[str, str]] = {
    "faults.store_unavailable": {
        "en": "The bot's database is not answering right now, so nothing was saved or sent. Please try again in a minute.",
        "zh-CN": "机器人的数据库暂时没有响应，所以什么都没有保存或发送。请一分钟后再试。",
    },
}
