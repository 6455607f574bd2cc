"""Catalogue entries of deals, quotes, approvals and delegation."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    # the deal card
    "deal.card.text": {"en": "Deal: {title} — {customer}", "zh": "商机：{title} — {customer}"},
    "deal.card.title": {"en": "💼 *{title}* — {customer}", "zh": "💼 *{title}* — {customer}"},
    "deal.card.fields": {
        "en": "*Stage:* {stage}   *Value:* {value}   *Expected close:* {close}\n*Owner:* <@{owner}>",
        "zh": "*阶段：* {stage}   *金额：* {value}   *预计成交：* {close}\n*负责人：* <@{owner}>",
    },
    "deal.card.no_close": {"en": "not set", "zh": "未定"},
    "deal.card.from_lead": {"en": "From lead #{lead}", "zh": "来自线索 #{lead}"},
    "deal.card.quotes": {"en": "*Quotes*", "zh": "*报价*"},
    "deal.card.quote_line": {
        "en": "{number} v{version} — {total} — {state}",
        "zh": "{number} v{version} — {total} — {state}",
    },
    "deal.card.hint": counted(
        "File what happens here with #archive in this thread. No new record for {count} day puts the deal on its owner's list.",
        "File what happens here with #archive in this thread. No new record for {count} days puts the deal on its owner's list.",
        "在本帖用 #归档 记录跟进。{count} 天没有新记录，商机会进入负责人的待办。",
    ),
    "deal.card.closed": {"en": "Closed {when}", "zh": "已于 {when} 关闭"},
    "deal.button.stage": {"en": "Move to stage…", "zh": "更改阶段…"},
    "deal.button.quote": {"en": "Quote", "zh": "报价"},
    "deal.button.convert": {"en": "Convert to deal", "zh": "转为商机"},
    # the deal form
    "deal.form.title": {"en": "New deal", "zh": "新建商机"},
    "deal.form.submit": {"en": "Create", "zh": "创建"},
    "deal.form.customer": {"en": "Customer", "zh": "客户"},
    "deal.form.name": {"en": "Deal title", "zh": "商机名称"},
    "deal.form.value": {"en": "Expected value", "zh": "预计金额"},
    "deal.form.currency": {"en": "Currency", "zh": "币种"},
    "deal.form.stage": {"en": "Stage", "zh": "阶段"},
    "deal.form.close": {"en": "Expected close date", "zh": "预计成交日期"},
    "deal.form.bad_value": {
        "en": "Write an amount, e.g. 120000 or 12万.",
        "zh": "请填写金额，例如 120000 或 12万。",
    },
    "deal.opened": {
        "en": "Deal #{id} *{title}* is open; its card is in <#{channel}>.",
        "zh": "商机 #{id} *{title}* 已创建，卡片在 <#{channel}>。",
    },
    "deal.opened_dm": {
        "en": "Deal #{id} *{title}* is open; its card is in your messages with closeloop.",
        "zh": "商机 #{id} *{title}* 已创建，卡片在你与 closeloop 的私信中。",
    },
    "deal.error.customer_required": {"en": "Name the customer.", "zh": "请填写客户。"},
    "deal.error.title_required": {"en": "Give the deal a title.", "zh": "请填写商机名称。"},
    "deal.error.bad_value": {"en": "The value must be an amount of 0 or more.", "zh": "金额必须不小于 0。"},
    "deal.error.bad_currency": {"en": "Choose a currency from the list.", "zh": "请从列表中选择币种。"},
    "deal.error.unknown_stage": {"en": "There is no stage {stage}.", "zh": "没有阶段 {stage}。"},
    "deal.error.unknown": {"en": "There is no deal #{id}.", "zh": "没有商机 #{id}。"},
    "deal.error.lead_unknown": {"en": "There is no lead #{id}.", "zh": "没有线索 #{id}。"},
    "deal.error.not_yours": {
        "en": "This deal is <@{owner}>'s: only they or a manager may change it.",
        "zh": "这是 <@{owner}> 的商机，只有其本人或主管可以修改。",
    },
    "deal.error.claim_first": {
        "en": "Claim the lead first: a deal needs an owner.",
        "zh": "请先认领该线索：商机需要负责人。",
    },
    "deal.error.already_converted": {
        "en": "Lead #{id} is already deal #{deal}.",
        "zh": "线索 #{id} 已经是商机 #{deal}。",
    },
    "deal.stage_moved": {"en": "Deal #{id} moved to {stage}.", "zh": "商机 #{id} 已进入“{stage}”阶段。"},
    "deal.no_open": {
        "en": "You have no open deal to quote on: open one with `/closeloop deal` or Convert to deal on a lead card.",
        "zh": "你没有可报价的商机：先用 `/closeloop deal` 或线索卡片上的“转为商机”创建。",
    },
    # the quote form
    "quote.form.title": {"en": "Quote", "zh": "报价"},
    "quote.form.title_edit": {"en": "Edit {number}", "zh": "修改 {number}"},
    "quote.form.submit": {"en": "Submit for approval", "zh": "提交审批"},
    "quote.form.deal": {"en": "Deal", "zh": "商机"},
    "quote.form.lines": {"en": "Lines (one per line)", "zh": "明细（每行一项）"},
    "quote.form.lines_hint": {
        "en": "Product × quantity @ unit price, e.g. Pump A × 10 @ 1200. Leave empty to give a total.",
        "zh": "产品 × 数量 @ 单价，例如：水泵A × 10 @ 1200。只填总价时留空。",
    },
    "quote.form.total": {"en": "Total (when no lines)", "zh": "总价（无明细时）"},
    "quote.form.currency": {"en": "Currency", "zh": "币种"},
    "quote.form.discount": {"en": "Discount %", "zh": "折扣 %"},
    "quote.form.prepayment": {"en": "Prepayment %", "zh": "预付比例 %"},
    "quote.form.remainder": {"en": "The rest is paid", "zh": "余款支付方式"},
    "quote.form.remainder.net": {"en": "net days after delivery", "zh": "交货后按账期"},
    "quote.form.remainder.cash_on_delivery": {"en": "cash on delivery", "zh": "货到付款"},
    "quote.form.net_days": {"en": "Net days", "zh": "账期（天）"},
    "quote.form.special": {"en": "Special terms (non-standard)", "zh": "特殊条款（非标准）"},
    "quote.form.valid_until": {"en": "Valid until", "zh": "有效期至"},
    "quote.form.bad_number": {"en": "Write a number.", "zh": "请填写数字。"},
    "quote.form.bad_line": {
        "en": "Line {line} cannot be read: “{text}”. Write product × quantity @ unit price.",
        "zh": "第 {line} 行无法识别：“{text}”。请写成 产品 × 数量 @ 单价。",
    },
    "quote.form.no_price": {"en": "Give lines or a total.", "zh": "请填写明细或总价。"},
    # quote outcomes and errors
    "quote.usage": {
        "en": "`/closeloop quote` opens the form; `quote edit Q-2026-0042` makes a new version, `quote why Q-2026-0042` shows its chain's reasons, `quote pdf Q-2026-0042` posts a draft PDF.",
        "zh": "`/closeloop quote` 打开表单；`quote edit 报价单号` 修改出新版本，`quote why 报价单号` 查看审批链原因，`quote pdf 报价单号` 生成草稿 PDF。",
    },
    "quote.submitted": {
        "en": "{number} v{version} is submitted: {chain}",
        "zh": "{number} v{version} 已提交审批：{chain}",
    },
    "quote.restarted": {
        "en": "{number} v{version} replaces v{previous}: the approval chain starts again. {chain}",
        "zh": "{number} v{version} 取代了 v{previous}，审批重新开始。{chain}",
    },
    "quote.error.unknown": {"en": "There is no quote {number}.", "zh": "没有报价单 {number}。"},
    "quote.error.deal_unknown": {"en": "Choose one of your deals.", "zh": "请选择你的一个商机。"},
    "quote.error.not_owner": {
        "en": "This quote is <@{owner}>'s: only they or a manager may change it.",
        "zh": "这是 <@{owner}> 的报价，只有其本人或主管可以修改。",
    },
    "quote.error.no_price": {"en": "Give lines or a total above 0.", "zh": "请填写明细或大于 0 的总价。"},
    "quote.error.bad_amount": {"en": "The amount is out of range.", "zh": "金额超出范围。"},
    "quote.error.bad_discount": {
        "en": "The discount must be from 0 to 99 %.",
        "zh": "折扣须在 0 到 99 % 之间。",
    },
    "quote.error.bad_prepayment": {
        "en": "The prepayment must be from 0 to 100 %.",
        "zh": "预付比例须在 0 到 100 % 之间。",
    },
    "quote.error.bad_net_days": {"en": "Net days must be from 0 to 365.", "zh": "账期须在 0 到 365 天之间。"},
    "quote.error.expired": {"en": "The validity date {date} has passed.", "zh": "有效期 {date} 已过。"},
    "quote.error.no_approver": {
        "en": "Nobody can approve the {step} step for you: ask an admin to name your manager (or the group) in the rules file.",
        "zh": "没有人能审批你的“{step}”步骤：请管理员在规则文件中设置你的主管（或审批组）。",
    },
    "quote.error.bad_decision": {"en": "Unknown decision.", "zh": "未知的审批操作。"},
    "quote.error.reason_required": {
        "en": "Say why: the requester needs it.",
        "zh": "请写明原因：申请人需要知道。",
    },
    "quote.error.request_unknown": {"en": "This approval no longer exists.", "zh": "该审批已不存在。"},
    "quote.error.replaced": {
        "en": "This version was replaced: {number} v{version} is no longer up for approval.",
        "zh": "此版本已被替换：{number} v{version} 不再需要审批。",
    },
    "quote.error.already_decided": {
        "en": "Already decided ({decision}) by <@{user}>: nothing changed.",
        "zh": "已由 <@{user}> 处理（{decision}），未做更改。",
    },
    "quote.error.decided_meanwhile": {
        "en": "Someone decided this at the same moment: nothing changed.",
        "zh": "有人在同一时刻已处理，未做更改。",
    },
    "quote.error.not_yours": {
        "en": "This approval is <@{approver}>'s to decide: nothing changed.",
        "zh": "这项审批应由 <@{approver}> 处理，未做更改。",
    },
    "quote.error.delegation_over": {
        "en": "Your delegation from <@{approver}> has ended: it is theirs to decide again.",
        "zh": "<@{approver}> 对你的委托已结束，请由其本人审批。",
    },
    # chain progress
    "quote.status.text": {
        "en": "{number} v{version} for {customer}: {total}",
        "zh": "{number} v{version}（{customer}）：{total}",
    },
    "quote.status.header": {
        "en": "🧾 *{number}* v{version} — {customer} — {total}",
        "zh": "🧾 *{number}* v{version} — {customer} — {total}",
    },
    "quote.status.submitted_by": {"en": "Submitted by <@{user}> {when}", "zh": "<@{user}> 于 {when} 提交"},
    "quote.status.restarted": {
        "en": "Replaces v{previous}: the approval chain started again.",
        "zh": "取代 v{previous}：审批已重新开始。",
    },
    "quote.status.replaced": {
        "en": "↩️ Replaced by a newer version: this one is no longer up for approval.",
        "zh": "↩️ 已被新版本取代，本版本不再审批。",
    },
    "quote.status.approved": {
        "en": "✅ Approved: the PDF follows in this thread.",
        "zh": "✅ 已批准，PDF 将发在本帖。",
    },
    "quote.status.rejected": {"en": "❌ Rejected: {reason}", "zh": "❌ 已驳回：{reason}"},
    "quote.status.changes": {"en": "✏️ Changes requested: {reason}", "zh": "✏️ 需要修改：{reason}"},
    "quote.state.pending": {"en": "⏳ in approval", "zh": "⏳ 审批中"},
    "quote.state.approved": {"en": "✅ approved", "zh": "✅ 已批准"},
    "quote.state.rejected": {"en": "❌ rejected", "zh": "❌ 已驳回"},
    "quote.state.changes": {"en": "✏️ changes requested", "zh": "✏️ 需修改"},
    "quote.state.replaced": {"en": "↩️ replaced", "zh": "↩️ 已替换"},
    "step.approved": {"en": "✅ {step} (<@{user}>)", "zh": "✅ {step}（<@{user}>）"},
    "step.approved_for": {
        "en": "✅ {step} (<@{user}> for <@{for}>)",
        "zh": "✅ {step}（<@{user}> 代 <@{for}>）",
    },
    "step.rejected": {"en": "❌ {step} (<@{user}>)", "zh": "❌ {step}（<@{user}>）"},
    "step.changes": {"en": "✏️ {step} (<@{user}>)", "zh": "✏️ {step}（<@{user}>）"},
    "step.pending": {"en": "⏳ {step} ({people})", "zh": "⏳ {step}（{people}）"},
    "step.waiting": {"en": "⏸ {step}", "zh": "⏸ {step}"},
    "step.skipped": {"en": "⏭ {step} skipped: {why}", "zh": "⏭ 跳过{step}：{why}"},
    "step.replaced": {"en": "↩️ {step}", "zh": "↩️ {step}"},
    "step.fallback": {"en": "nobody in the group: managers decide", "zh": "该组无人：由主管审批"},
    "step.all_of": {"en": "all of them", "zh": "需全部同意"},
    "why.nothing_fired": {"en": "not needed", "zh": "无需"},
    "why.always": {"en": "always", "zh": "始终需要"},
    "why.terms.cash_on_delivery": {"en": "cash on delivery, low risk", "zh": "货到付款，低风险"},
    "why.terms.nonstandard": {"en": "non-standard terms", "zh": "非标准条款"},
    "why.terms.prepayment": {"en": "prepayment", "zh": "有预付款"},
    "why.terms.net": {"en": "net terms", "zh": "账期付款"},
    "why.amount": {"en": "amount {actual} {op} {limit}", "zh": "金额 {actual} {op} {limit}"},
    "why.amount_unknown": {
        "en": "amount in {currency}: no rate to compare with {limit}",
        "zh": "金额为 {currency}：无汇率可与 {limit} 比较",
    },
    "why.discount": {"en": "discount {actual} % {op} {limit} %", "zh": "折扣 {actual} % {op} {limit} %"},
    "why.prepayment": {"en": "prepayment {actual} % {op} {limit} %", "zh": "预付 {actual} % {op} {limit} %"},
    "why.net_days": {"en": "net {actual} days {op} {limit}", "zh": "账期 {actual} 天 {op} {limit}"},
    "why.header": {
        "en": "Why {number} v{version} needs these approvals:",
        "zh": "{number} v{version} 的审批链及原因：",
    },
    "why.step_needed": {"en": "• {step}: needed — {why}", "zh": "• {step}：需要 — {why}"},
    "why.step_skipped": {"en": "• {step}: skipped — {why}", "zh": "• {step}：跳过 — {why}"},
    # the approver's DM
    "approval.text": {
        "en": "Approval needed ({step}): {number} v{version} — {customer} — {total}",
        "zh": "待审批（{step}）：{number} v{version} — {customer} — {total}",
    },
    "approval.header": {
        "en": "📝 *Approval needed — {step}*\n*{number}* v{version} · {deal} — {customer}\nRequested by <@{requester}>",
        "zh": "📝 *待你审批 — {step}*\n*{number}* v{version} · {deal} — {customer}\n申请人 <@{requester}>",
    },
    "approval.for": {
        "en": "You decide for <@{approver}> (delegation).",
        "zh": "你代 <@{approver}> 审批（委托）。",
    },
    "approval.delegated": {
        "en": "Delegated to <@{delegate}>: either of you may decide.",
        "zh": "已委托给 <@{delegate}>：你们任一人均可审批。",
    },
    "approval.summary": {
        "en": "*Total:* {total} (subtotal {subtotal}, discount {discount} %)\n*Terms:* {terms}\n*Valid until:* {valid}",
        "zh": "*总价：* {total}（小计 {subtotal}，折扣 {discount} %）\n*付款条件：* {terms}\n*有效期至：* {valid}",
    },
    "approval.changes": {
        "en": "*Changed since v{previous}:* {changes}",
        "zh": "*相对 v{previous} 的变化：* {changes}",
    },
    "approval.first_version": {"en": "First version.", "zh": "首个版本。"},
    "approval.risks": {"en": "*Risk:* {reasons}", "zh": "*风险：* {reasons}"},
    "approval.no_risk": {"en": "*Risk:* low — no rule fired", "zh": "*风险：* 低 — 未触发规则"},
    "approval.chain": {"en": "*Chain:* {chain}", "zh": "*审批链：* {chain}"},
    "approval.decided": {
        "en": "{icon} {decision} by <@{user}> {when}",
        "zh": "{icon} <@{user}> 于 {when} {decision}",
    },
    "approval.decided_for": {
        "en": "{icon} {decision} by <@{user}> for <@{for}> {when}",
        "zh": "{icon} <@{user}>（代 <@{for}>）于 {when} {decision}",
    },
    "approval.reason": {"en": "Reason: {reason}", "zh": "原因：{reason}"},
    "approval.closed": {
        "en": "No longer needed: the step was decided by someone else.",
        "zh": "已无需处理：该步骤已由他人审批。",
    },
    "approval.replaced": {
        "en": "↩️ This version was replaced by a newer one: nothing to decide here.",
        "zh": "↩️ 此版本已被新版本取代，无需在此审批。",
    },
    "approval.moved": {
        "en": "Moved back to <@{approver}>: the delegation ended.",
        "zh": "委托已结束，已交回 <@{approver}>。",
    },
    "approval.button.approve": {"en": "Approve", "zh": "批准"},
    "approval.button.reject": {"en": "Reject", "zh": "驳回"},
    "approval.button.changes": {"en": "Request changes", "zh": "要求修改"},
    "decision.approve": {"en": "Approved", "zh": "批准"},
    "decision.reject": {"en": "Rejected", "zh": "驳回"},
    "decision.changes": {"en": "Changes requested", "zh": "要求修改"},
    "decision.approved": {"en": "approved", "zh": "批准"},
    "decision.rejected": {"en": "rejected", "zh": "驳回"},
    "approval.reason_form.reject": {"en": "Reject {number} v{version}", "zh": "驳回 {number} v{version}"},
    "approval.reason_form.changes": {
        "en": "Changes to {number} v{version}",
        "zh": "修改 {number} v{version}",
    },
    "approval.reason_form.label_reject": {"en": "Why is it rejected?", "zh": "驳回原因"},
    "approval.reason_form.label_changes": {"en": "What should change?", "zh": "需要修改什么？"},
    "approval.reason_form.submit": {"en": "Send", "zh": "发送"},
    "approval.done": {
        "en": "{decision}: {number} v{version} ({step}).",
        "zh": "{decision}：{number} v{version}（{step}）。",
    },
    "quote.outcome.rejected": {
        "en": "❌ {number} v{version} was rejected at {step} by <@{user}>: {reason}",
        "zh": "❌ {number} v{version} 在{step}环节被 <@{user}> 驳回：{reason}",
    },
    "quote.outcome.changes": {
        "en": "✏️ <@{user}> asks for changes to {number} v{version} ({step}): {reason}\nEdit it with `/closeloop quote edit {number}`.",
        "zh": "✏️ <@{user}> 要求修改 {number} v{version}（{step}）：{reason}\n用 `/closeloop quote edit {number}` 修改。",
    },
    "quote.pdf.comment": {
        "en": "📄 {number} v{version}, approved: ready to send to {customer}.",
        "zh": "📄 {number} v{version} 已批准，可发送给 {customer}。",
    },
    "quote.pdf.draft": {
        "en": "📄 {number} v{version} for {customer}, DRAFT: not approved yet, not for the customer.",
        "zh": "📄 {number} v{version}（{customer}）草稿：尚未批准，请勿发给客户。",
    },
    "quote.pdf.asked": {
        "en": "The draft PDF of {number} goes to the deal's thread.",
        "zh": "{number} 的草稿 PDF 将发到商机的帖子里。",
    },
    "quote.pdf.already": {
        "en": "This version's draft PDF is already in the deal's thread.",
        "zh": "此版本的草稿 PDF 已在商机的帖子里。",
    },
    "quote.error.pdf_approved": {
        "en": "{number} v{version} is approved: its PDF is in the deal's thread.",
        "zh": "{number} v{version} 已批准，PDF 已在商机的帖子里。",
    },
    # terms, as sentences
    "terms.prepayment": {"en": "{pct} % prepayment", "zh": "预付 {pct} %"},
    "terms.net": {"en": "the rest net {days} days", "zh": "余款账期 {days} 天"},
    "terms.net_all": {"en": "net {days} days", "zh": "账期 {days} 天"},
    "terms.cash_on_delivery": {"en": "the rest cash on delivery", "zh": "余款货到付款"},
    "terms.cash_on_delivery_all": {"en": "cash on delivery", "zh": "货到付款"},
    "terms.special": {"en": "special: {text}", "zh": "特殊条款：{text}"},
    "terms.none": {"en": "none", "zh": "无"},
    "change.total": {"en": "total {before} → {after}", "zh": "总价 {before} → {after}"},
    "change.currency": {"en": "currency {before} → {after}", "zh": "币种 {before} → {after}"},
    "change.discount": {"en": "discount {before} % → {after} %", "zh": "折扣 {before} % → {after} %"},
    "change.prepayment": {"en": "prepayment {before} % → {after} %", "zh": "预付 {before} % → {after} %"},
    "change.remainder": {"en": "payment {before} → {after}", "zh": "付款方式 {before} → {after}"},
    "change.net_days": {"en": "net days {before} → {after}", "zh": "账期 {before} → {after} 天"},
    "change.special": {"en": "special terms changed", "zh": "特殊条款有变"},
    "change.valid_until": {"en": "valid until {before} → {after}", "zh": "有效期 {before} → {after}"},
    "change.lines": {"en": "lines changed", "zh": "明细有变"},
    # to-do items
    "todo.what.approval": {
        "en": "Decide on quote {number} — {customer}",
        "zh": "审批报价 {number} — {customer}",
    },
    "todo.what.deal_stale": {
        "en": "Deal {title} — {customer}: no new record",
        "zh": "商机 {title} — {customer}：无新跟进",
    },
    "todo.late.approval": {"en": "🕐 waiting {age} for you", "zh": "🕐 已等你 {age}"},
    "todo.late.deal_stale": {
        "en": "⚠️ past its red line by {age}; file a record in its thread",
        "zh": "⚠️ 已超红线 {age}；请在其帖内记录跟进",
    },
    # delegation
    "delegate.set": {
        "en": "Your approvals go to <@{user}> until {until} (inclusive); {count} pending moved now.",
        "zh": "你的审批将交给 <@{user}>，直到 {until}（含）；已转交 {count} 项待审批。",
    },
    "delegate.ended": {
        "en": "Your delegation to <@{user}> has ended: your approvals come to you again.",
        "zh": "你对 <@{user}> 的委托已结束，审批重新交给你。",
    },
    "delegate.current": {
        "en": "Your approvals go to <@{user}> until {until}.",
        "zh": "你的审批正交给 <@{user}>，直到 {until}。",
    },
    "delegate.nothing": {"en": "You have not delegated your approvals.", "zh": "你没有委托审批。"},
    "delegate.usage": {
        "en": "Write `/closeloop delegate @someone until 2026-12-10`, or `/closeloop delegate off`.",
        "zh": "请写 `/closeloop delegate @某人 until 2026-12-10`，或 `/closeloop delegate off`。",
    },
    "delegate.error.self": {"en": "You cannot delegate to yourself.", "zh": "不能委托给自己。"},
    "delegate.error.unavailable": {
        "en": "<@{user}> cannot take approvals (deactivated or a bot).",
        "zh": "<@{user}> 无法审批（已停用或为机器人）。",
    },
    "delegate.error.past": {
        "en": "{date} has passed: pick a later date.",
        "zh": "{date} 已过，请选择之后的日期。",
    },
    "delegate.error.loop": {
        "en": "<@{user}> already delegates (directly or through others) back to you: that would loop.",
        "zh": "<@{user}> 已（直接或间接）委托给你，这会形成循环。",
    },
    "delegate.error.none": {"en": "You have no delegation running.", "zh": "你没有进行中的委托。"},
    # App Home
    "home.approvals.header": {"en": "Approvals", "zh": "审批"},
    "home.approvals.yours": {"en": "Quote approvals come to you.", "zh": "报价审批由你处理。"},
    "home.approvals.delegated": {
        "en": "Your approvals go to <@{user}> until {until} (inclusive).",
        "zh": "你的审批交给 <@{user}>，直到 {until}（含）。",
    },
    "home.button.delegate": {"en": "Delegate…", "zh": "委托…"},
    "home.button.end_delegation": {"en": "End delegation", "zh": "结束委托"},
    "delegate.form.title": {"en": "Delegate approvals", "zh": "委托审批"},
    "delegate.form.who": {"en": "Who decides for you", "zh": "由谁代你审批"},
    "delegate.form.until": {"en": "Until (inclusive)", "zh": "截止日期（含）"},
    # help
    "help.deal": {"en": "open a deal (a form)", "zh": "新建商机（表单）"},
    "help.quote": {
        "en": "make a quote for approval; `edit Q-…` for a new version, `why Q-…` for its chain, `pdf Q-…` for a draft PDF",
        "zh": "新建报价并提交审批；`edit Q-…` 修改出新版本，`why Q-…` 查看审批链原因，`pdf Q-…` 生成草稿 PDF",
    },
    "help.delegate": {
        "en": "let someone decide your approvals until a date",
        "zh": "在某日期前把你的审批委托给他人",
    },
    "usage.quote": {"en": "[edit|why|pdf Q-2026-0042]", "zh": "[edit、why 或 pdf 报价单号]"},
    "usage.delegate": {"en": "@someone until YYYY-MM-DD | off", "zh": "@某人 until 年-月-日 | off"},
}
