"""Catalogue entries of the daily loop: the to-do card, escalations, App Home and digests."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    "age.minutes": counted("{count} minute", "{count} minutes", "{count} 分钟"),
    "age.hours": counted("{count} hour", "{count} hours", "{count} 小时"),
    "age.days": counted("{count} day", "{count} days", "{count} 天"),
    "todo.what.follow_up": {"en": "Follow up: {action} — {customer}", "zh": "跟进：{action} — {customer}"},
    "todo.what.lead_contact": {"en": "Contact new lead {company}", "zh": "联系新线索 {company}"},
    "todo.no_customer": {"en": "no customer named", "zh": "未指定客户"},
    "todo.late.overdue": {"en": "⚠️ {age} overdue", "zh": "⚠️ 已逾期 {age}"},
    "todo.late.lead_contact": {
        "en": "⚠️ assigned {age} ago, not contacted yet",
        "zh": "⚠️ 分配已 {age}，尚未联系",
    },
    "todo.late.due_today": {"en": "due today at {time}", "zh": "今天 {time} 到期"},
    "todo.state.done": {"en": "✅ done by <@{user}>", "zh": "✅ <@{user}> 已完成"},
    "todo.state.closed": {"en": "no longer on your list", "zh": "已不在你的待办中"},
    "todo.state.snoozed": {"en": "💤 snoozed until {until}", "zh": "💤 已推迟到 {until}"},
    "todo.more": counted(
        "+{count} more item on closeloop's Home tab",
        "+{count} more items on closeloop's Home tab",
        "还有 {count} 项，见 closeloop 的主页",
    ),
    "todo.button.done": {"en": "Done", "zh": "完成"},
    "todo.button.snooze": {"en": "Snooze 1 day", "zh": "推迟 1 天"},
    "todo.button.log": {"en": "Log", "zh": "记录"},
    "todo.card.header": counted(
        "☀️ Good morning! Today's {count} thing to do:",
        "☀️ Good morning! Today's {count} things to do:",
        "☀️ 早上好！今天要做的 {count} 件事：",
    ),
    "todo.card.all_done": {"en": "All done for today. 🎉", "zh": "今天的事都做完了 🎉"},
    "todo.list.header": counted(
        "Your list today ({count} item):", "Your list today ({count} items):", "你今天的待办（{count} 项）："
    ),
    "todo.list.empty": {"en": "Nothing on your list today. 🎉", "zh": "今天没有待办事项 🎉"},
    "todo.done": {"en": "Done: {what}", "zh": "已完成：{what}"},
    "todo.snoozed": {"en": "Snoozed until {until}: {what}", "zh": "已推迟到 {until}：{what}"},
    "task.gone": {"en": "That item is no longer open.", "zh": "该事项已关闭。"},
    "task.not_yours": {
        "en": "This item belongs to <@{owner}>; only they can change it.",
        "zh": "该事项属于 <@{owner}>，只有其本人可以操作。",
    },
    "task.not_for_you": {
        "en": "This reminder was not sent to you, so you cannot act on it.",
        "zh": "这条提醒不是发给你的，无法操作。",
    },
    "ladder.text": {
        "en": "⏰ {what}: {age}. Owner: <@{owner}>.",
        "zh": "⏰ {what}：{age}。负责人：<@{owner}>。",
    },
    "ladder.told": {"en": "Already told: {people}", "zh": "已通知：{people}"},
    "ladder.acknowledged": {
        "en": "✅ Acknowledged by <@{user}> on {when}",
        "zh": "✅ <@{user}> 已于 {when} 确认",
    },
    "ladder.superseded": {
        "en": "This reminder is out of date: the item has a new owner or due time since.",
        "zh": "此提醒已过时：该事项已更换负责人或到期时间。",
    },
    "ladder.button.acknowledge": {"en": "Acknowledge", "zh": "确认"},
    "ladder.button.snooze": {"en": "Snooze…", "zh": "推迟…"},
    "ladder.pause.2h": {"en": "2 hours", "zh": "2 小时"},
    "ladder.pause.tomorrow": {"en": "Next working morning", "zh": "下个工作日早上"},
    "ladder.pause.3d": {"en": "3 days", "zh": "3 天"},
    "help.todo": {"en": "your list for today (only you see it)", "zh": "查看你今天的待办（仅你可见）"},
}
