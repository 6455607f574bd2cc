"""Catalogue entries for activity records: the card, its modals, and the log command."""

from bot.i18n.plural import Entry

ENTRIES: dict[str, Entry] = {
    "card.title": {"en": ":memo: *Activity record #{id}*", "zh": ":memo: *跟进记录 #{id}*"},
    "card.customer": {"en": "*Customer*\n{value}", "zh": "*客户*\n{value}"},
    "card.type": {"en": "*Type*\n{value}", "zh": "*类型*\n{value}"},
    "card.next": {"en": "*Next action*\n{value}", "zh": "*下一步*\n{value}"},
    "card.due": {"en": "*Due*\n{value}", "zh": "*截止*\n{value}"},
    "card.summary": {"en": "*Summary*\n{value}", "zh": "*摘要*\n{value}"},
    "card.blocker": {"en": "*Blocked by*\n{value}", "zh": "*卡点*\n{value}"},
    "card.signals": {"en": "Signals: {value}", "zh": "信号：{value}"},
    "card.by": {"en": "Filed by <@{user}>", "zh": "由 <@{user}> 归档"},
    "card.no_customer_pick": {
        "en": ":grey_question: No customer yet. Pick one:",
        "zh": ":grey_question: 还没有客户，请选择：",
    },
    "card.no_customer_edit": {
        "en": ":grey_question: No customer yet. Press *Edit* to name one.",
        "zh": ":grey_question: 还没有客户，请点 *编辑* 填写。",
    },
    "card.pick_placeholder": {"en": "Choose a customer", "zh": "选择客户"},
    "card.due_unreadable": {
        "en": ":warning: I couldn't read a date in “{text}”, so no due date was saved. Use *Edit* to set one.",
        "zh": ":warning: 没能从“{text}”中读出日期，未保存截止时间。可点 *编辑* 设置。",
    },
    "card.history_partial": {
        "en": ":information_source: Only messages posted since I joined are included (Slack limits history reads).",
        "zh": ":information_source: 只包含我加入后看到的消息（Slack 限制读取历史）。",
    },
    "card.undone": {
        "en": ":wastebasket: Record #{id} was undone by <@{user}>.",
        "zh": ":wastebasket: 跟进记录 #{id} 已被 <@{user}> 撤销。",
    },
    "card.undo_confirm_title": {"en": "Undo this record?", "zh": "撤销这条记录？"},
    "card.undo_confirm_text": {
        "en": "The record is deleted; the conversation stays in Slack.",
        "zh": "记录将被删除，Slack 中的对话保留。",
    },
    "card.undo_confirm_yes": {"en": "Undo", "zh": "撤销"},
    "card.fallback": {
        "en": "Activity record #{id} for {customer}",
        "zh": "跟进记录 #{id}（{customer}）",
    },
    "type.call": {"en": "Call", "zh": "电话"},
    "type.visit": {"en": "Visit", "zh": "拜访"},
    "type.quote": {"en": "Quote", "zh": "报价"},
    "type.demo": {"en": "Demo", "zh": "演示"},
    "type.contract": {"en": "Contract", "zh": "合同"},
    "type.note": {"en": "Follow-up", "zh": "跟进"},
    "edit.title": {"en": "Edit record", "zh": "编辑记录"},
    "edit.customer": {"en": "Customer", "zh": "客户"},
    "edit.type": {"en": "Type", "zh": "类型"},
    "edit.summary": {"en": "Summary", "zh": "摘要"},
    "edit.next": {"en": "Next action", "zh": "下一步"},
    "edit.due": {"en": "Due date", "zh": "截止日期"},
    "edit.due_hint": {
        "en": "A date or plain words: 2026-12-03, Friday, in 3 business days",
        "zh": "日期或口语：2026-12-03、下周三、3个工作日内",
    },
    "edit.due_unreadable": {
        "en": "I couldn't read a date in “{text}”. Try 2026-12-03, Friday or in 3 business days.",
        "zh": "没能从“{text}”中读出日期。可写 2026-12-03、下周三 或 3个工作日内。",
    },
    "edit.blocker": {"en": "What blocks it", "zh": "卡点"},
    "log.title": {"en": "Log a follow-up", "zh": "记录跟进"},
    "log.status": {"en": "Customer status today", "zh": "客户今天的情况"},
    "log.status_hint": {
        "en": "Start with the customer's name, or write customer: NAME",
        "zh": "以客户名称开头，或写 客户: 名称",
    },
    "log.next": {"en": "Next action, with its due date", "zh": "下一步及截止时间"},
    "log.next_hint": {"en": "e.g. send the quote by Friday", "zh": "例如：周五前 发报价"},
    "log.blocker": {"en": "What blocks it", "zh": "卡点"},
    "log.empty": {
        "en": "Tell me what happened: `/closeloop log CUSTOMER what happened, next: ACTION DUE`.",
        "zh": "请写明情况：`/closeloop log 客户 发生了什么, 下一步: 行动 时间`。",
    },
    "link.usage": {
        "en": "Name the customer: `/closeloop link-channel ACME`.",
        "zh": "请写客户名称：`/closeloop link-channel 华东机械`。",
    },
    "link.unknown": {
        "en": "No customer called *{name}* yet, so nothing was linked. To create it and link this channel: "
        "`/closeloop link-channel --new {name}`",
        "zh": "还没有名为 *{name}* 的客户，未做关联。要新建该客户并关联本频道：`/closeloop link-channel --new {name}`",
    },
    "link.removed": {
        "en": "This channel is no longer linked to *{customer}*.",
        "zh": "本频道已取消与 *{customer}* 的关联。",
    },
    "link.none": {
        "en": "This channel isn't linked to a customer; nothing to remove.",
        "zh": "本频道没有关联客户，无需取消。",
    },
    "log.customer_unknown": {
        "en": "No customer called *{name}* yet, so record #{id} was filed without one. Pick a customer on "
        "its card, or type the new name in its *Edit* form to create it.",
        "zh": "还没有名为 *{name}* 的客户，跟进记录 #{id} 已先不带客户归档。可在卡片上选择客户，"
        "或在 *编辑* 表单里填写新名称来新建。",
    },
    "link.done": {
        "en": "This channel is now linked to *{customer}*: records filed here belong to it.",
        "zh": "本频道已关联客户 *{customer}*，这里归档的记录都属于它。",
    },
    "help.help": {"en": "this list", "zh": "显示本列表"},
    "help.log": {
        "en": "log a follow-up; no text opens a form",
        "zh": "记录一次跟进；不带内容则打开表单",
    },
    "help.link": {
        "en": "link this channel to a customer, so records filed here belong to it "
        "(`--new` creates one, `--remove` ends the link)",
        "zh": "把本频道关联到客户，这里归档的记录都属于它（`--new` 新建客户，`--remove` 取消关联）",
    },
    "usage.log": {
        "en": "[CUSTOMER what happened, next: ACTION DUE]",
        "zh": "[客户 发生了什么, 下一步: 行动 时间]",
    },
    "usage.link": {"en": "CUSTOMER", "zh": "客户"},
    "help.header": {"en": "*closeloop commands*", "zh": "*closeloop 命令*"},
    "help.archive": {
        "en": "Reply `#archive` (or `#归档`) in a thread to file it as an activity record. Optional: "
        "`#call #visit #quote #demo #contract`, `customer: NAME`, `next: ACTION DUE`.",
        "zh": "在讨论串里回复 `#归档`（或 `#archive`）即可生成跟进记录。可选：`#电话 #拜访 #报价 #演示 #合同`、"
        "`客户: 名称`、`下一步: 行动 时间`。",
    },
    "unknown.command": {
        "en": "I don't know “{word}”. Try one of: {names}. `/closeloop help` explains each.",
        "zh": "不认识“{word}”。可用的命令：{names}。`/closeloop help` 查看说明。",
    },
}
