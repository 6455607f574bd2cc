"""Catalogue entries for the command line."""

ENTRIES: dict[str, dict[str, str]] = {
    "cli.missing_env": {
        "en": "closeloop: {name} is not set. Set it from your Slack app's settings (see README), "
        "or try the bot without Slack: closeloop console --demo",
        "zh": "closeloop：未设置 {name}。请按 README 从 Slack 应用设置中获取，或先不用 Slack 试用：closeloop console --demo",
    },
    "cli.rules_invalid": {
        "en": "closeloop: the rules file has problems:",
        "zh": "closeloop：规则文件有问题：",
    },
    "cli.ok": {"en": "ok", "zh": "ok"},
    "cli.migrated": {"en": "database is up to date ({url})", "zh": "数据库已是最新（{url}）"},
    "cli.listening": {
        "en": "closeloop is listening on http://{host}:{port}/slack/events",
        "zh": "closeloop 正在监听 http://{host}:{port}/slack/events",
    },
    "cli.socket_mode": {
        "en": "closeloop is connected in Socket Mode",
        "zh": "closeloop 已以 Socket Mode 连接",
    },
    "cli.database_error": {
        "en": "closeloop: cannot open the database {url}: {error}",
        "zh": "closeloop：无法打开数据库 {url}：{error}",
    },
    "cli.exported": {"en": "{count} rows written to {path}", "zh": "已写入 {count} 行到 {path}"},
}
