"""Catalogue entries of App Home: the person's list, their away / back switch and a manager's team."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    "home.list.header": counted(
        "📋 Your list today ({count} item)",
        "📋 Your list today ({count} items)",
        "📋 你今天的待办（{count} 项）",
    ),
    "home.leads.header": {"en": "🙋 New leads", "zh": "🙋 新线索"},
    "home.leads.taking": {
        "en": "🟢 You are taking leads. Going away? Press *Away* and no new leads come to you.",
        "zh": "🟢 你正在接收线索。要离开？点 *暂停接单*，就不会再分给你新线索。",
    },
    "home.leads.away": {
        "en": "🌴 You are away: no new leads come to you until you press *Back*.",
        "zh": "🌴 你已暂停接单：点 *恢复接单* 之前不会分给你新线索。",
    },
    "home.button.away": {"en": "Away", "zh": "暂停接单"},
    "home.button.back": {"en": "Back", "zh": "恢复接单"},
    "home.not_yours": {
        "en": "That switch is <@{user}>'s; only they can set their own status.",
        "zh": "这是 <@{user}> 的开关，只有其本人可以设置。",
    },
    "home.team.header": {"en": "👥 Your team", "zh": "👥 你的团队"},
    "home.team.rate": counted(
        "*24 h first contact* (last 7 days): {percent}% ({in_time} of {count} lead)",
        "*24 h first contact* (last 7 days): {percent}% ({in_time} of {count} leads)",
        "*24 小时内首次联系*（近 7 天）：{percent}%（{count} 条中 {in_time} 条）",
    ),
    "home.team.rate_none": {
        "en": "*24 h first contact* (last 7 days): no lead has had its 24 hours yet",
        "zh": "*24 小时内首次联系*（近 7 天）：暂无满 24 小时的线索",
    },
    "home.team.breaches": counted(
        "*SLA breaches open*: {count} item escalated and not acknowledged",
        "*SLA breaches open*: {count} items escalated and not acknowledged",
        "*未处理的超时*：{count} 项已升级且无人确认",
    ),
    "home.team.loads": {"en": "*Open leads per rep*: {loads}", "zh": "*每人未联系线索*：{loads}"},
    "home.team.load": {"en": "<@{user}> {count}", "zh": "<@{user}> {count}"},
    "home.team.no_reps": {
        "en": "No rep on the roster reports to you.",
        "zh": "名单中没有向你汇报的销售。",
    },
    "home.team.oldest": {
        "en": "*Oldest open item*: {what} — <@{owner}>, {late}",
        "zh": "*最久未处理*：{what} — <@{owner}>，{late}",
    },
    "home.team.nothing_late": {
        "en": "*Oldest open item*: nothing is late",
        "zh": "*最久未处理*：没有逾期事项",
    },
}
