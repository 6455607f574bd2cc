"""Catalogue entries of the digests: the daily summary, the Monday report, their threads, `digest now`."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    "date.format": {"en": "{weekday} {day} {month} {year}", "zh": "{year}年{month}{day}日 {weekday}"},
    "digest.title.day": {"en": "📊 Daily digest · {scope} · {date}", "zh": "📊 每日简报 · {scope} · {date}"},
    "digest.title.week": {
        "en": "📈 Weekly report · {scope} · week {week}, {first} – {last}",
        "zh": "📈 周报 · {scope} · 第 {week} 周，{first} – {last}",
    },
    "digest.scope.team": {"en": "whole team", "zh": "全团队"},
    "digest.grades": {"en": " ({grades})", "zh": "（{grades}）"},
    "digest.new": counted(
        "🆕 {count} new lead{grades}", "🆕 {count} new leads{grades}", "🆕 新线索 {count} 条{grades}"
    ),
    "digest.assigned": counted(
        "👤 {count} lead assigned", "👤 {count} leads assigned", "👤 已分配线索 {count} 条"
    ),
    "digest.contact": {
        "en": "📞 Contacted within 24 h: {in_time} of {settled} ({percent}%)",
        "zh": "📞 24 小时内联系：{settled} 条中 {in_time} 条（{percent}%）",
    },
    "digest.chains": counted(
        "🧾 {count} quote approval ended; within {days} working days: {on_time} ({percent}%)",
        "🧾 {count} quote approvals ended; within {days} working days: {on_time} ({percent}%)",
        "🧾 报价审批完成 {count} 个；{days} 个工作日内完成：{on_time} 个（{percent}%）",
    ),
    "digest.contact.none": {
        "en": "📞 Contacted within 24 h: no lead's 24 hours ended",
        "zh": "📞 24 小时内联系：没有到期的线索",
    },
    "digest.breaches": counted(
        "⚠️ {count} item escalated past its time limit",
        "⚠️ {count} items escalated past their time limits",
        "⚠️ 超时升级 {count} 项",
    ),
    "digest.releases": counted(
        "↩️ {count} lead released", "↩️ {count} leads released", "↩️ 释放线索 {count} 条"
    ),
    "digest.records": counted(
        "📝 {count} record filed", "📝 {count} records filed", "📝 跟进记录 {count} 条"
    ),
    "digest.open": counted(
        "📌 {count} item still open", "📌 {count} items still open", "📌 未完成事项 {count} 项"
    ),
    "digest.thread_hint": {"en": "Details in the thread.", "zh": "详情见消息串。"},
    "digest.change.more": {"en": " (+{delta} on last week)", "zh": "（较上周 +{delta}）"},
    "digest.change.less": {"en": " (−{delta} on last week)", "zh": "（较上周 −{delta}）"},
    "digest.change.same": {"en": " (same as last week)", "zh": "（与上周持平）"},
    "digest.change.points_more": {
        "en": " (+{delta} points on last week)",
        "zh": "（较上周 +{delta} 个百分点）",
    },
    "digest.change.points_less": {
        "en": " (−{delta} points on last week)",
        "zh": "（较上周 −{delta} 个百分点）",
    },
    "digest.details.new": {"en": "*New leads*", "zh": "*新线索*"},
    "digest.details.new_line": {
        "en": "• Lead #{id} {company} · grade {grade} · {owner}",
        "zh": "• 线索 #{id} {company} · {grade} 级 · {owner}",
    },
    "digest.details.no_owner": {"en": "nobody yet", "zh": "暂无负责人"},
    "digest.details.released": {"en": "*Released*", "zh": "*已释放*"},
    "digest.details.released_line": {
        "en": "• Lead #{id} {company}, released from <@{owner}>",
        "zh": "• 线索 #{id} {company}，从 <@{owner}> 处释放",
    },
    "digest.details.breaches": {"en": "*Escalated past their time limits*", "zh": "*超时升级*"},
    "digest.details.item_line": {"en": "• {what} · <@{owner}>", "zh": "• {what} · <@{owner}>"},
    "digest.details.item_customer": {"en": "{title} ({customer})", "zh": "{title}（{customer}）"},
    "digest.details.records": {"en": "*Records filed*", "zh": "*跟进记录*"},
    "digest.details.records_line": counted(
        "• <@{user}>: {count} record", "• <@{user}>: {count} records", "• <@{user}>：{count} 条"
    ),
    "digest.details.open": {"en": "*Most urgent open items*", "zh": "*最紧急的未完成事项*"},
    "digest.details.open_line": {
        "en": "• {what} · <@{owner}> · due {due}",
        "zh": "• {what} · <@{owner}> · {due} 到期",
    },
    "digest.details.more": counted("…and {count} more item", "…and {count} more items", "……还有 {count} 项"),
    "digest.now.posted": {
        "en": "Today's digest so far is posted here.",
        "zh": "今天到目前为止的简报已发在本频道。",
    },
    "digest.now.quiet": {
        "en": "Nothing has happened here since the last digest: nothing to post.",
        "zh": "自上次简报以来这里没有新动态，无需发送。",
    },
    "digest.now.no_digest": {
        "en": "This channel gets no digest: digests go to pool channels and to the channels in `[daily] digest_channels`.",
        "zh": "本频道不接收简报：简报发往线索池频道，以及规则文件 [daily] 段 digest_channels 所列的频道。",
    },
    "digest.now.managers_only": {
        "en": "Only managers can post a digest on demand.",
        "zh": "只有经理可以随时发送简报。",
    },
    "help.digest": {
        "en": "post today's digest so far in this channel (managers)",
        "zh": "在本频道发送今天到目前为止的简报（经理）",
    },
    "usage.digest": {"en": "now", "zh": "now（立即）"},
    "help.digest_usage": {"en": "Usage: `/closeloop digest now`", "zh": "用法：`/closeloop digest now`"},
}
