"""Catalogue entries of contracts, invoices, dunning and customer success."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    # signing
    "contract.button.signed": {"en": "Customer signed {number}", "zh": "客户已签 {number}"},
    "contract.form.title": {"en": "Customer signed", "zh": "客户签约"},
    "contract.form.submit": {"en": "Make contract", "zh": "生成合同"},
    "contract.form.intro": {
        "en": "{number}: the contract's schedule comes from the approved version's terms.",
        "zh": "{number}：合同的付款计划按已批准版本的条款生成。",
    },
    "contract.form.signed_on": {"en": "Signed on", "zh": "签约日期"},
    "contract.form.delivery_on": {"en": "Expected delivery", "zh": "预计交付日期"},
    "contract.signed": counted(
        "Contract {contract} made from {number}: {count} payment, due {day}.",
        "Contract {contract} made from {number}: {count} payments, the first due {day}.",
        "已由 {number} 生成合同 {contract}：共 {count} 笔付款，首笔 {day} 到期。",
    ),
    "contract.error.unknown_quote": {"en": "There is no quote {number}.", "zh": "没有报价单 {number}。"},
    "contract.error.unknown": {"en": "There is no contract {number}.", "zh": "没有合同 {number}。"},
    "contract.error.already_signed": {
        "en": "{number} is already signed: contract {contract}.",
        "zh": "{number} 已签约：合同 {contract}。",
    },
    "contract.error.not_yours": {
        "en": "Only <@{owner}> or their manager can do that.",
        "zh": "只有 <@{owner}> 或其主管可以这样做。",
    },
    "contract.error.not_approved": {
        "en": "{number} is not approved yet: the customer can sign only an approved version.",
        "zh": "{number} 尚未批准：客户只能签已批准的版本。",
    },
    "contract.error.delivery_before_signing": {
        "en": "Delivery cannot be before signing.",
        "zh": "交付日期不能早于签约日期。",
    },
    "contract.error.not_finance": {
        "en": "Only finance or a manager can do that.",
        "zh": "只有财务或主管可以这样做。",
    },
    "contract.error.tax_id_required": {"en": "Write the customer's tax ID.", "zh": "请填写客户税号。"},
    "contract.error.bank_account_required": {
        "en": "Write the customer's bank and account number.",
        "zh": "请填写客户开户行及账号。",
    },
    "contract.error.reason_required": {"en": "Write the reason.", "zh": "请填写原因。"},
    "contract.usage": {
        "en": "Write `/closeloop contract signed Q-2026-0001`.",
        "zh": "请输入 `/closeloop contract signed Q-2026-0001`。",
    },
    # the deal card
    "contract.card.heading": {"en": "*Contracts*", "zh": "*合同*"},
    "contract.card.line": {
        "en": "{contract} ({number}) — {total} — paid {paid}",
        "zh": "{contract}（{number}）— {total} — 已回款 {paid}",
    },
    "contract.card.next": {"en": "next: {amount} due {day}", "zh": "下一笔：{amount}，{day} 到期"},
    "contract.card.paid": {"en": "paid in full", "zh": "已全部回款"},
    "contract.card.paused": {
        "en": "⏸ Invoice waiting: finance needs the customer's {fields}.",
        "zh": "⏸ 开票暂停：财务需要客户的{fields}。",
    },
    "contract.field.tax_id": {"en": "tax ID", "zh": "税号"},
    "contract.field.bank_account": {"en": "bank account", "zh": "开户行及账号"},
    "contract.level.yellow": {"en": "🟡 yellow", "zh": "🟡 黄色"},
    "contract.level.orange": {"en": "🟠 orange", "zh": "🟠 橙色"},
    "contract.level.red": {"en": "🔴 red", "zh": "🔴 红色"},
    # finance's DMs and the details form
    "contract.invoice.text": {
        "en": "🧾 Invoice request: {contract} — {customer}, {total}.\nTax ID: {tax_id}\nBank: {bank}\nSchedule:\n{schedule}",
        "zh": "🧾 开票申请：{contract} — {customer}，{total}。\n税号：{tax_id}\n开户行及账号：{bank}\n付款计划：\n{schedule}",
    },
    "contract.invoice.part": {"en": "• {part}: {amount} due {day}", "zh": "• {part}：{amount}，{day} 到期"},
    "contract.part.prepayment": {"en": "Prepayment", "zh": "预付款"},
    "contract.part.remainder": {"en": "Balance", "zh": "尾款"},
    "contract.part.full": {"en": "Full amount", "zh": "全款"},
    "contract.missing.text": {
        "en": "⏸ {contract} — {customer} is signed, but the invoice cannot be requested without the customer's {fields}.",
        "zh": "⏸ {contract} — {customer} 已签约，但无法开票：缺少客户的{fields}。",
    },
    "contract.missing.done": {
        "en": "✅ {contract} — {customer}: the details are complete and the invoice request has gone out.",
        "zh": "✅ {contract} — {customer}：资料已补全，开票申请已发出。",
    },
    "contract.button.details": {"en": "Add details", "zh": "补全资料"},
    "contract.details.title": {"en": "Customer details", "zh": "客户开票资料"},
    "contract.details.tax_id": {"en": "Tax ID (税号)", "zh": "税号"},
    "contract.details.bank_account": {"en": "Bank and account number", "zh": "开户行及账号"},
    # dunning
    "dunning.text.yellow": {
        "en": "🟡 {customer} owes {amount} on {contract}, due {day}. A word now saves a chase later.",
        "zh": "🟡 {customer} 在 {contract} 上有 {amount} 将于 {day} 到期，提前提醒客户。",
    },
    "dunning.text.orange": counted(
        "🟠 {customer}'s {amount} on {contract} was due {day}: {count} day late. Owner: <@{owner}>.",
        "🟠 {customer}'s {amount} on {contract} was due {day}: {count} days late. Owner: <@{owner}>.",
        "🟠 {customer} 在 {contract} 上的 {amount} 已于 {day} 到期，逾期 {count} 天。负责人：<@{owner}>。",
    ),
    "dunning.text.red": counted(
        "🔴 {customer}'s {amount} on {contract} is {count} day late (due {day}) and nobody has written why. Owner: <@{owner}>.",
        "🔴 {customer}'s {amount} on {contract} is {count} days late (due {day}) and nobody has written why. Owner: <@{owner}>.",
        "🔴 {customer} 在 {contract} 上的 {amount} 已逾期 {count} 天（{day} 到期），尚无书面原因。负责人：<@{owner}>。",
    ),
    "dunning.ask_reason": {
        "en": "Why is it late? Your answer takes it off red and goes in the digest.",
        "zh": "为什么逾期？填写原因后将解除红色，并写入日报。",
    },
    "dunning.reason_given": {
        "en": "Reason from <@{user}>: {reason}",
        "zh": "<@{user}> 说明的原因：{reason}",
    },
    "dunning.paid": {"en": "✅ Paid.", "zh": "✅ 已回款。"},
    "dunning.button.reason": {"en": "Give the reason", "zh": "说明原因"},
    "dunning.form.title": {"en": "Why it is late", "zh": "逾期原因"},
    "dunning.form.reason": {
        "en": "Reason (the customer's words, the next step)",
        "zh": "原因（客户说法、下一步）",
    },
    "dunning.form.submit": {"en": "Save", "zh": "保存"},
    # the to-do list
    "todo.what.invoice": {
        "en": "Request the invoice for {number} — {customer}",
        "zh": "为 {number} 开票 — {customer}",
    },
    "todo.what.first_review": {
        "en": "First review of {number} — {customer}",
        "zh": "首次审核 {number} — {customer}",
    },
    "todo.what.missing_tax_id": {
        "en": "Get the tax ID of {customer} ({number})",
        "zh": "补齐 {customer} 的税号（{number}）",
    },
    "todo.what.missing_bank_account": {
        "en": "Get the bank account of {customer} ({number})",
        "zh": "补齐 {customer} 的开户行及账号（{number}）",
    },
    "todo.what.dunning": {
        "en": "Collect payment on {number} — {customer}",
        "zh": "催收 {number} 回款 — {customer}",
    },
    "todo.what.payment_missing": {
        "en": "No payment yet on {number} — {customer}",
        "zh": "{number} 尚未回款 — {customer}",
    },
    "todo.what.cs_satisfaction": {
        "en": "Satisfaction call: {customer} ({number})",
        "zh": "满意度回访：{customer}（{number}）",
    },
    "todo.what.cs_usage": {
        "en": "Usage check: {customer} ({number})",
        "zh": "使用情况检查：{customer}（{number}）",
    },
    "todo.what.cs_renewal": {
        "en": "Renewal talk: {customer} ({number})",
        "zh": "续约沟通：{customer}（{number}）",
    },
    "todo.late.dunning": {"en": "⚠️ due {age} ago", "zh": "⚠️ 已逾期 {age}"},
    "todo.late.due_on": {"en": "due {day}", "zh": "{day} 到期"},
    "todo.button.solved": {"en": "Done — solved", "zh": "完成：已解决"},
    "todo.button.unsolved": {"en": "Done — not solved", "zh": "完成：未解决"},
    "todo.question": {
        "en": "Did it solve the customer's problem?",
        "zh": "客户的问题解决了吗？",
    },
    "task.answer_required": {
        "en": "Say whether it solved the customer's problem: Done — solved, or Done — not solved.",
        "zh": "请说明客户的问题是否解决：完成：已解决，或完成：未解决。",
    },
    "todo.state.solved": {"en": "✅ done by <@{user}> — solved", "zh": "✅ <@{user}> 已完成 — 已解决"},
    "todo.state.unsolved": {"en": "✅ done by <@{user}> — not solved", "zh": "✅ <@{user}> 已完成 — 未解决"},
    "help.contract": {
        "en": "the customer signed an approved quote: make its contract and payment schedule",
        "zh": "客户已签已批准的报价：生成合同和付款计划",
    },
    "usage.contract": {"en": "signed Q-…", "zh": "signed Q-…"},
    # collection this month (回款)
    "money.collected": {
        "en": "💰 Collected this month: {collected} of {due} due ({rate})",
        "zh": "💰 本月回款：{collected} / 应收 {due}（达成率 {rate}）",
    },
    "money.overdue": {"en": "Unpaid by level: {levels}", "zh": "未回款分级：{levels}"},
    "money.rep": {
        "en": "<@{user}>: {collected} of {due} ({rate})",
        "zh": "<@{user}>：{collected} / {due}（{rate}）",
    },
    "money.reason": {
        "en": "{contract} — {customer} (<@{user}>): {reason}",
        "zh": "{contract} — {customer}（<@{user}>）：{reason}",
    },
    "money.reps_heading": {"en": "*Collection by rep (回款达成率)*", "zh": "*各销售回款达成率*"},
    "money.reasons_heading": {"en": "*Late, with a reason*", "zh": "*逾期及原因*"},
    "money.home_heading": {"en": "*Collection this month*", "zh": "*本月回款*"},
}
