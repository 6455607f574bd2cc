"""Catalogue entries of a handover: the manager's preview, the new owner's DM, refusals, the to-do item."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    # the command
    "help.handover": {
        "en": "a rep leaves: hand everything they own to someone else (managers)",
        "zh": "销售离职：把其名下的一切交给他人（主管）",
    },
    "usage.handover": {"en": "@leaving [@successor]", "zh": "@离职者 [@接手人]"},
    "handover.usage": {
        "en": "Usage: `/closeloop handover @leaving [@successor]` (without a successor, their manager receives it).",
        "zh": "用法：`/closeloop handover @离职者 [@接手人]`（未指定接手人时由其主管接手）。",
    },
    # what moves, each kind counted (the preview and the new owner's DM)
    "handover.kind.leads": counted("{count} lead", "{count} leads", "{count} 条线索"),
    "handover.kind.deals": counted("{count} deal", "{count} deals", "{count} 个商机"),
    "handover.kind.quotes": counted("{count} quote", "{count} quotes", "{count} 份报价"),
    "handover.kind.contracts": counted(
        "{count} contract and its receivables",
        "{count} contracts and their receivables",
        "{count} 份合同及其应收款",
    ),
    "handover.kind.tasks": counted("{count} open to-do item", "{count} open to-do items", "{count} 项待办"),
    "handover.kind.approvals": counted(
        "{count} pending approval", "{count} pending approvals", "{count} 项待审批"
    ),
    "handover.line": {"en": "• {what}", "zh": "• {what}"},
    "handover.line.named": {"en": "• {what}: {names}", "zh": "• {what}：{names}"},
    # the manager's preview
    "handover.preview": {
        "en": "Hand over everything <@{from_user}> owns to <@{to_user}>? They stop receiving leads and to-do cards.",
        "zh": "把 <@{from_user}> 名下的一切交给 <@{to_user}>？此后 <@{from_user}> 不再接收线索和待办卡片。",
    },
    "handover.preview.fallback": {
        "en": "No successor named: <@{to_user}>, <@{from_user}>'s manager, receives it.",
        "zh": "未指定接手人：由 <@{from_user}> 的主管 <@{to_user}> 接手。",
    },
    "handover.button.carry_out": {"en": "Hand over", "zh": "确认交接"},
    "handover.button.cancel": {"en": "Cancel", "zh": "取消"},
    "handover.cancelled": {"en": "Handover cancelled: nothing moved.", "zh": "已取消交接，未做任何变更。"},
    "handover.done": {
        "en": "Handed over to <@{to_user}>; they have 48 hours to confirm.",
        "zh": "已交给 <@{to_user}>，对方需在 48 小时内确认。",
    },
    # the new owner's DM
    "handover.dm.text": {
        "en": "<@{by}> handed you <@{from_user}>'s work.",
        "zh": "<@{by}> 把 <@{from_user}> 的工作交给了你。",
    },
    "handover.dm.ask": {
        "en": "Please confirm within 48 hours; until you do, the receivables do not count in your figures.",
        "zh": "请在 48 小时内确认；确认前，这些应收款不计入你的业绩。",
    },
    "handover.dm.confirmed": {
        "en": "✅ Confirmed by <@{user}> on {when}.",
        "zh": "✅ <@{user}> 已于 {when} 确认。",
    },
    "handover.button.confirm": {"en": "Confirm", "zh": "确认接手"},
    # refusals
    "handover.error.managers_only": {
        "en": "Only a manager can hand a rep's work over.",
        "zh": "只有主管可以交接销售的工作。",
    },
    "handover.error.same_person": {
        "en": "<@{user}> cannot hand work over to themselves: name someone else.",
        "zh": "<@{user}> 不能交接给自己，请指定其他人。",
    },
    "handover.error.no_successor": {
        "en": "<@{user}> has no manager in the rules file: name a successor, `/closeloop handover @leaving @successor`.",
        "zh": "规则文件中 <@{user}> 没有主管，请指定接手人：`/closeloop handover @离职者 @接手人`。",
    },
    "handover.error.unavailable": {
        "en": "<@{user}> cannot take it over (deactivated or a bot): name someone else.",
        "zh": "<@{user}> 无法接手（已停用或是机器人），请指定其他人。",
    },
    "handover.error.nothing": {
        "en": "<@{user}> owns nothing left to hand over.",
        "zh": "<@{user}> 名下已没有需要交接的内容。",
    },
    "handover.error.unknown": {"en": "That handover no longer exists.", "zh": "该交接已不存在。"},
    "handover.error.not_yours": {
        "en": "Only <@{user}>, who received this handover, can confirm it.",
        "zh": "只有接手人 <@{user}> 可以确认此交接。",
    },
    "handover.error.not_asker": {
        "en": "Only <@{user}>, who asked for this handover, can carry it out.",
        "zh": "只有发起交接的 <@{user}> 可以执行。",
    },
    "lead.error.departed": {
        "en": "Your work was handed over when you left; a manager can put you back on the roster.",
        "zh": "你离职时工作已交接；如需恢复接收线索，请联系主管。",
    },
    # the new owner's to-do item (`bot.render.todo.what` names it)
    "todo.what.handover": {
        "en": "Confirm the handover from <@{user}>",
        "zh": "确认 <@{user}> 的工作交接",
    },
}
