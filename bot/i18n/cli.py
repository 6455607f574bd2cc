"""Catalogue entries for the command line."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    "cli.missing_env": {
        "en": "closeloop: {name} is not set. Set it from your Slack app's settings (see README), "
        "or try the bot without Slack: closeloop console --demo",
        "zh": "closeloop：未设置 {name}。请按 README 从 Slack 应用设置中获取，或先不用 Slack 试用：closeloop console --demo",
    },
    "cli.missing_envs": {
        "en": "closeloop: {names} are not set. Set them from your Slack app's settings (see README), "
        "or try the bot without Slack: closeloop console --demo",
        "zh": "closeloop：未设置 {names}。请按 README 从 Slack 应用设置中获取，或先不用 Slack 试用：closeloop console --demo",
    },
    "cli.names_and": {"en": "{first} and {second}", "zh": "{first} 和 {second}"},
    "cli.token_refused": {
        "en": "closeloop: Slack refused {variable} ({error}). Copy the Bot User OAuth Token (xoxb-…) "
        "from your Slack app's OAuth & Permissions page.",
        "zh": "closeloop：Slack 拒绝了 {variable}（{error}）。请从 Slack 应用的 OAuth & Permissions 页面"
        "复制 Bot User OAuth Token（xoxb-…）。",
    },
    "cli.slack_unreachable": {
        "en": "closeloop: Slack cannot be reached right now ({error}); starting anyway, messages wait until it can.",
        "zh": "closeloop：暂时无法连接 Slack（{error}）；照常启动，消息会等到连接恢复后发送。",
    },
    "cli.rules_invalid": {
        "en": "closeloop: the rules file has problems:",
        "zh": "closeloop：规则文件有问题：",
    },
    "cli.ok": {"en": "ok", "zh": "ok"},
    "cli.export.binary_to_terminal": {
        "en": "closeloop: xlsx is a binary file and would garble the terminal; add --out FILE (e.g. --out leads.xlsx)",
        "zh": "closeloop：xlsx 是二进制文件，会在终端显示成乱码；请加 --out 文件（例如 --out leads.xlsx）",
    },
    "cli.tick.bad_at": {
        "en": "closeloop: --at {text!r} is not a moment; use ISO-8601, e.g. 2026-12-01T09:00:00+08:00",
        "zh": "closeloop：--at {text!r} 不是有效时间，请用 ISO-8601 格式，例如 2026-12-01T09:00:00+08:00",
    },
    "cli.tick.done": {
        "en": "tick at {at}: ran {jobs}; sent {sent}; still waiting {waiting}",
        "zh": "{at} 的定时任务：已运行 {jobs}；已发送 {sent}；仍在等待 {waiting}",
    },
    "cli.outbox.empty": {"en": "nothing here", "zh": "没有消息"},
    "cli.outbox.no_such": {
        "en": "closeloop: there is no unsent message {id}; `closeloop outbox --dead` lists them",
        "zh": "closeloop：没有未发送的消息 {id}；用 `closeloop outbox --dead` 查看",
    },
    "cli.outbox.requeued": {"en": "message {id} will be sent again", "zh": "消息 {id} 将重新发送"},
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
    "cli.exported": counted(
        "{count} row written to {path}", "{count} rows written to {path}", "已写入 {count} 行到 {path}"
    ),
    "cli.import.file_type": {
        "en": "closeloop: cannot import {path}: give a {types} file",
        "zh": "closeloop：无法导入 {path}：请提供 {types} 文件",
    },
    "cli.import.unreadable": {
        "en": "closeloop: cannot read {path}: {error}",
        "zh": "closeloop：无法读取 {path}：{error}",
    },
    "cli.import.encoding": {
        "en": 'closeloop: {path} is neither UTF-8 nor GB18030 text; save it from Excel as "CSV UTF-8"',
        "zh": "closeloop：{path} 既不是 UTF-8 也不是 GB18030 文本；请在 Excel 中另存为“CSV UTF-8”",
    },
    "cli.import.no_header": {
        "en": "the first line must name the columns, e.g. company,contact,phone,email,region,budget",
        "zh": "第一行须为列名，例如 公司,联系人,电话,邮箱,区域,预算",
    },
    "cli.import.no_company_column": {
        "en": "no company column; name it company (or 公司)",
        "zh": "缺少公司列；列名请用 公司（或 company）",
    },
    "cli.import.no_reach_column": {
        "en": "no phone or email column; name one phone or email (or 电话, 手机, 邮箱)",
        "zh": "缺少电话或邮箱列；列名请用 电话、手机 或 邮箱（或 phone、email）",
    },
    "cli.import.bad_budget": {
        "en": "'{text}' is not an amount or a range like 50000-80000 or 5万-8万",
        "zh": "“{text}”不是金额或范围（如 50000-80000 或 5万-8万）",
    },
    # An import's summary counts several things; each count is its own phrase, the sentence joins them.
    "cli.import.rows": counted("{count} row", "{count} rows", "共 {count} 行"),
    "cli.import.added": counted("{count} lead added", "{count} leads added", "新增 {count} 条线索"),
    "cli.import.skipped": counted(
        "{count} bad row skipped", "{count} bad rows skipped", "跳过 {count} 行有误数据"
    ),
    "cli.import.dry_run": {
        "en": "{rows}: {good} good, {bad} bad; run again with --commit to import",
        "zh": "{rows}：{good} 行有效，{bad} 行有误；加 --commit 再运行即可导入",
    },
    "cli.import.strict_refused": counted(
        "{rows}: {good} good, {bad} bad; nothing imported (--strict): fix the bad row first",
        "{rows}: {good} good, {bad} bad; nothing imported (--strict): fix the bad rows first",
        "{rows}：{good} 行有效，{bad} 行有误；未导入任何数据（--strict）：请先修正有误的行",
        by="bad",
    ),
    "cli.import.committed": {
        "en": "{rows}: {added}, {merged} merged into existing leads, {skipped}",
        "zh": "{rows}：{added}，{merged} 行合并到已有线索，{skipped}",
    },
    "cli.import.owner": {
        "en": "line {line} → lead #{id} (grade {grade}, owner @{owner})",
        "zh": "第 {line} 行 → 线索 #{id}（等级 {grade}，负责人 @{owner}）",
    },
    "cli.import.offered": {
        "en": "line {line} → lead #{id} (grade {grade}, offered)",
        "zh": "第 {line} 行 → 线索 #{id}（等级 {grade}，待认领）",
    },
    "cli.import.public": {
        "en": "line {line} → lead #{id} (grade {grade}, public pool)",
        "zh": "第 {line} 行 → 线索 #{id}（等级 {grade}，公海）",
    },
    "cli.import.merged": {
        "en": "line {line} → merged into lead #{id}",
        "zh": "第 {line} 行 → 已合并到线索 #{id}",
    },
    "cli.import.no_team": {
        "en": "closeloop: the database holds no leads or activities yet, so the Slack team is unknown; "
        "pass --team T… (your workspace ID)",
        "zh": "closeloop：数据库中还没有线索或活动记录，无法确定 Slack 团队；请加 --team T…（工作区编号）",
    },
    "cli.import.busy": {
        "en": "closeloop: lead routing stayed busy with other changes; nothing was imported, run it again",
        "zh": "closeloop：线索分配一直被其他操作占用；未导入任何数据，请重新运行",
    },
    # Names in the rules file (`#sales-leads`, `@alice`, `alice@corp.com`) looked up in Slack.
    "names.unknown_channel": {
        "en": "{where}: no channel {name} that the bot can see; check the name, invite the bot to a "
        "private channel, or write the channel's ID (C…)",
        "zh": "{where}：找不到机器人可见的频道 {name}；请检查名称、把机器人邀请进私有频道，或填写频道编号（C…）",
    },
    "names.unknown_person": {
        "en": "{where}: nobody in the workspace is {name}; check the name or email, or write the member ID (U…)",
        "zh": "{where}：工作区中没有 {name}；请检查名称或邮箱，或填写成员编号（U…）",
    },
    "names.ambiguous": {
        "en": "{where}: several people go by {name}; write their username, email or member ID (U…)",
        "zh": "{where}：有多人名为 {name}；请填写其用户名、邮箱或成员编号（U…）",
    },
    "names.pool_without_channel": {
        "en": "lead pool {pool} has no channel: its leads are stored and nobody is told; "
        'set channel = "#…" for it in [leads]',
        "zh": '线索池 {pool} 没有频道：线索会保存，但不会通知任何人；请在 [leads] 中为它设置 channel = "#…"',
    },
    "names.pool_channel_unknown": {
        "en": "lead pool {pool}: channel {channel} was not found, so its leads are stored and nobody is told",
        "zh": "线索池 {pool}：找不到频道 {channel}，线索会保存，但不会通知任何人",
    },
    "names.not_checked": {
        "en": "names (#channel, @person, email) were not checked: set {token} (and {api_url}) "
        "to look them up in Slack",
        "zh": "未核对名称（#频道、@成员、邮箱）：设置 {token}（及 {api_url}）后可在 Slack 中查找",
    },
    "names.lookup_failed": {
        "en": "closeloop: could not look up the rules file's names in Slack ({error}); "
        "try again, or write IDs (C…, U…) instead of names",
        "zh": "closeloop：无法在 Slack 中查找规则文件里的名称（{error}）；请重试，或改填编号（C…、U…）",
    },
    "names.need_token": {
        "en": "closeloop: the rules file names channels or people by name; set {token} so they "
        "can be looked up in Slack, or write IDs (C…, U…)",
        "zh": "closeloop：规则文件按名称指定频道或成员；请设置 {token} 以便在 Slack 中查找，或改填编号（C…、U…）",
    },
}
