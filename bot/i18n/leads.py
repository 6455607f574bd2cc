"""Catalogue entries for leads: the lead card, routing reasons, the intake form, the reports."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    # routing and release reasons (codes from domain.routing / domain.release / domain.fairness)
    "reason.not_pool_member": {"en": "not in the {pool} pool", "zh": "不在 {pool} 池"},
    "reason.wrong_region": {"en": "does not cover {region}", "zh": "不负责 {region} 区域"},
    "reason.wrong_industry": {"en": "does not cover {industry}", "zh": "不负责 {industry} 行业"},
    "reason.away": {"en": "away", "zh": "不在岗"},
    "reason.excluded": {"en": "lead was released from them", "zh": "该线索已从其手中释放"},
    "reason.at_cap": counted(
        "at cap ({open}/{cap} open lead)",
        "at cap ({open}/{cap} open leads)",
        "已达上限（{open}/{cap} 条未联系）",
        by="cap",
    ),
    "reason.new_rep_share": {"en": "new-rep share due", "zh": "新人保底份额"},
    "reason.highest_priority": {"en": "next in rotation of {eligible}", "zh": "{eligible} 人轮转中排第一"},
    "reason.round_robin_tie": {"en": "round robin among {tied} tied", "zh": "{tied} 人并列，轮流分配"},
    "reason.pool": {"en": "{pool} pool", "zh": "{pool} 池"},
    "reason.region": {"en": "{region} region", "zh": "{region} 区域"},
    "reason.industry": {"en": "{industry}", "zh": "{industry} 行业"},
    "reason.open_leads": counted(
        "{open} open lead (cap {cap})",
        "{open} open leads (cap {cap})",
        "{open} 条未联系（上限 {cap}）",
        by="open",
    ),
    "reason.weight": {"en": "weight {weight}", "zh": "权重 {weight}"},
    "reason.contact_record": {"en": "contact record ×{multiplier}", "zh": "跟进记录系数 ×{multiplier}"},
    "reason.offered": counted(
        "offered to {reps} rep", "offered to {reps} reps", "已推送给 {reps} 位销售", by="reps"
    ),
    "reason.offered_first": counted(
        "first to {reps} rep below their fair share for {minutes} min",
        "first to {reps} reps below their fair share for {minutes} min",
        "前 {minutes} 分钟先推送给低于应得份额的 {reps} 位销售",
        by="reps",
    ),
    "reason.no_eligible_rep": {
        "en": "nobody eligible ({considered} considered)",
        "zh": "无人符合条件（已考虑 {considered} 人）",
    },
    "reason.fallback_owner": {"en": "fallback owner <@{user_id}>", "zh": "兜底负责人 <@{user_id}>"},
    "reason.public_pool": {"en": "to the public pool", "zh": "进入公海"},
    "reason.not_contacted": counted(
        "not contacted within {days} day", "not contacted within {days} days", "{days} 天内未联系", by="days"
    ),
    "reason.share_deviation": counted(
        "{received} lead vs {expected} expected ({deviation} off)",
        "{received} leads vs {expected} expected ({deviation} off)",
        "收到 {received} 条，应得 {expected} 条（偏差 {deviation}）",
        by="received",
    ),
    "reason.new_rep_share_short": counted(
        "new rep got {received} S/A lead, owed {owed}",
        "new rep got {received} S/A leads, owed {owed}",
        "新人获得 S/A 线索 {received} 条，应得 {owed} 条",
        by="received",
    ),
    # the card
    "lead.title": {
        "en": "*Lead #{id}: {company}* · grade *{grade}* ({score} pts)",
        "zh": "*线索 #{id}：{company}* · 等级 *{grade}*（{score} 分）",
    },
    "lead.facts": {
        "en": "Contact: {contact} · Region: {region} · Industry: {industry} · Source: {source} · Budget: {budget}",
        "zh": "联系人：{contact} · 区域：{region} · 行业：{industry} · 来源：{source} · 预算：{budget}",
    },
    "lead.score_reasons": {"en": "Score: {reasons}", "zh": "评分：{reasons}"},
    "lead.owner_why": {
        "en": ":bust_in_silhouette: <@{owner}>: {why}",
        "zh": ":bust_in_silhouette: <@{owner}>：{why}",
    },
    "lead.offered_why": {"en": ":raising_hand: Open to claim: {why}", "zh": ":raising_hand: 待认领：{why}"},
    "lead.offer.first": {
        "en": "Offered first to {reps} (below their fair share) until {until}; then to everyone.",
        "zh": "先推送给 {reps}（低于应得份额），{until} 之后向所有人开放。",
    },
    "lead.offer.everyone": {"en": "Offered to everyone.", "zh": "已向所有人开放认领。"},
    "lead.public_why": {"en": ":ocean: In the public pool: {why}", "zh": ":ocean: 已进入公海：{why}"},
    "lead.contacted": {
        "en": ":white_check_mark: Contacted by <@{owner}>",
        "zh": ":white_check_mark: <@{owner}> 已联系",
    },
    "lead.released_note": {
        "en": "Released from {owners}; they will not get it again.",
        "zh": "已从 {owners} 手中释放，不会再分给他们。",
    },
    "lead.thread_hint": {
        "en": "Reply in this thread and add #archive to log follow-ups on this lead.",
        "zh": "在此讨论串回复并加 #归档，即可记录该线索的跟进。",
    },
    "lead.fallback": {"en": "Lead #{id}: {company} ({grade})", "zh": "线索 #{id}：{company}（{grade}）"},
    "lead.button.claim": {"en": "Claim", "zh": "认领"},
    "lead.button.contacted": {"en": "Mark contacted", "zh": "已联系"},
    "lead.button.release": {"en": "Release", "zh": "释放"},
    "lead.button.reassign": {"en": "Reassign", "zh": "改派"},
    "lead.none": {"en": "—", "zh": "—"},
    # direct messages
    "lead.dm_owner": counted(
        "You have a new lead: *{company}* (grade {grade}). Please contact them within 24 h; "
        "a lead not contacted in {days} day goes back to the pool.",
        "You have a new lead: *{company}* (grade {grade}). Please contact them within 24 h; "
        "a lead not contacted in {days} days goes back to the pool.",
        "你有一条新线索：*{company}*（{grade} 级），请在 24 小时内联系；{days} 天未联系的线索将退回公海。",
        by="days",
    ),
    "lead.dm_manager": {
        "en": ":warning: Nobody could take lead #{id} *{company}* ({grade}): {why}.",
        "zh": ":warning: 线索 #{id} *{company}*（{grade}）无人可接：{why}。",
    },
    # refusals and errors
    "lead.error.lead_unknown": {"en": "There is no lead #{id}.", "zh": "没有编号为 #{id} 的线索。"},
    "lead.error.lead_taken": {
        "en": "Too late: <@{owner}> already has this lead.",
        "zh": "晚了一步：<@{owner}> 已认领该线索。",
    },
    "lead.error.not_offered": {"en": "This lead was not offered to you.", "zh": "该线索没有推送给你。"},
    "lead.error.at_cap": counted(
        "You are at your cap ({open}/{cap} open lead): contact one of your leads before claiming another.",
        "You are at your cap ({open}/{cap} open leads): contact one of your leads before claiming another.",
        "你已达上限（{open}/{cap} 条未联系线索）：请先联系手上的线索，再认领新的。",
        by="open",
    ),
    "lead.error.offered_first_only": counted(
        "This lead is offered first to reps below their fair share; everyone may claim it in {minutes} minute.",
        "This lead is offered first to reps below their fair share; everyone may claim it in {minutes} minutes.",
        "该线索先推送给低于应得份额的销售，{minutes} 分钟后所有人都可认领。",
        by="minutes",
    ),
    "lead.error.not_owner": {
        "en": "Only the lead's owner <@{owner}> or a manager can do that.",
        "zh": "只有负责人 <@{owner}> 或主管可以操作。",
    },
    "lead.error.managers_only": {"en": "Only managers can reassign leads.", "zh": "只有主管可以改派线索。"},
    "lead.error.not_on_roster": {
        "en": "<@{user}> is not on the sales roster.",
        "zh": "<@{user}> 不在销售名单中。",
    },
    "lead.error.nothing_to_release": {
        "en": "This lead has no owner to release it from.",
        "zh": "该线索当前没有负责人，无需释放。",
    },
    "lead.error.busy": {
        "en": "Many leads are being routed at once; please try again.",
        "zh": "同时分配的线索太多，请重试。",
    },
    "lead.error.not_allowed": {
        "en": "Only the lead's owner, its pool's reps or a manager can use these buttons.",
        "zh": "只有线索负责人、所在池的销售或主管可以使用这些按钮。",
    },
    # the intake form
    "lead.form.title": {"en": "New lead", "zh": "新线索"},
    "lead.form.source": {"en": "Source", "zh": "来源"},
    "lead.form.company": {"en": "Company", "zh": "公司"},
    "lead.form.contact": {"en": "Contact person", "zh": "联系人"},
    "lead.form.phone": {"en": "Phone", "zh": "电话"},
    "lead.form.email": {"en": "E-mail", "zh": "邮箱"},
    "lead.form.region": {"en": "Region", "zh": "区域"},
    "lead.form.industry": {"en": "Industry", "zh": "行业"},
    "lead.form.budget": {"en": "Budget range (e.g. 50000-80000)", "zh": "预算范围（如 50000-80000）"},
    "lead.form.urgency": {"en": "Urgency", "zh": "紧急程度"},
    "lead.form.notes": {"en": "Notes", "zh": "备注"},
    "lead.form.bad_budget": {
        "en": "Write the budget as a number or a range like 50000-80000.",
        "zh": "预算请写数字或范围，如 50000-80000。",
    },
    "lead.source.trade_show": {"en": "Trade show", "zh": "展会"},
    "lead.source.wechat": {"en": "WeChat official account", "zh": "微信公众号"},
    "lead.source.referral": {"en": "Referral", "zh": "转介绍"},
    "lead.source.website_form": {"en": "Website form", "zh": "官网表单"},
    "lead.source.phone_inquiry": {"en": "Phone inquiry", "zh": "电话咨询"},
    "lead.urgency.red": {"en": "Red: this week", "zh": "红：本周"},
    "lead.urgency.yellow": {"en": "Yellow: this month", "zh": "黄：本月"},
    "lead.urgency.green": {"en": "Green: no hurry", "zh": "绿：不急"},
    "lead.merged": {
        "en": "Lead #{id} *{company}* already existed; the new details were merged into it.",
        "zh": "线索 #{id} *{company}* 已存在，新信息已合并。",
    },
    "lead.reassign.title": {"en": "Reassign lead", "zh": "改派线索"},
    "lead.reassign.to": {"en": "New owner", "zh": "新负责人"},
    # why / fairness
    "lead.why.header": {
        "en": "*Why lead #{id} ({company}) went where it did*",
        "zh": "*线索 #{id}（{company}）的分配依据*",
    },
    "lead.why.score": {
        "en": "Grade {grade} ({score} pts): {rules}",
        "zh": "等级 {grade}（{score} 分）：{rules}",
    },
    "lead.why.decision": {
        "en": "{when} · {kind}{owner}: {reasons}",
        "zh": "{when} · {kind}{owner}：{reasons}",
    },
    "lead.why.candidate_ok": {
        "en": "  ✓ <@{user}> #{rank}: {open} open (cap {cap}), weight {weight}{new}",
        "zh": "  ✓ <@{user}> 第 {rank}：{open} 条未联系（上限 {cap}），权重 {weight}{new}",
    },
    "lead.why.candidate_skip": {"en": "  ✗ <@{user}>: {reason}", "zh": "  ✗ <@{user}>：{reason}"},
    "lead.why.new_rep": {"en": ", new rep", "zh": "，新人"},
    "lead.why.usage": {
        "en": "Give the lead number: `/closeloop lead why 42`.",
        "zh": "请写线索编号：`/closeloop lead why 42`。",
    },
    # pool ids come from the rules file; a pool without a label here shows as its id made readable
    "lead.pool.default": {"en": "default", "zh": "默认"},
    "lead.pool.general": {"en": "general", "zh": "综合"},
    "lead.kind.routed": {"en": "routed", "zh": "分配"},
    "lead.kind.claimed": {"en": "claimed", "zh": "认领"},
    "lead.kind.contacted": {"en": "contacted", "zh": "已联系"},
    "lead.kind.released": {"en": "released", "zh": "释放"},
    "lead.kind.expired": {"en": "released (not contacted)", "zh": "超时释放"},
    "lead.kind.reassigned": {"en": "reassigned", "zh": "改派"},
    "lead.kind.widened": {"en": "offered to everyone", "zh": "向所有人开放"},
    "fairness.header": {"en": "*Lead fairness, {period}*", "zh": "*线索分配公平性，{period}*"},
    "fairness.columns": {
        "en": "rep · received (S/A/B/C) · share (fair) · median first contact · flag",
        "zh": "销售 · 收到（S/A/B/C）· 占比（应得）· 首次联系中位时长 · 标记",
    },
    "fairness.row": {
        "en": "{flag} <@{user}> · {received} ({s}/{a}/{b}/{c}) · {share} ({fair}) · {median}{why}",
        "zh": "{flag} <@{user}> · {received}（{s}/{a}/{b}/{c}）· {share}（{fair}）· {median}{why}",
    },
    "duration.hours": {"en": "{hours} h", "zh": "{hours} 小时"},
    "duration.minutes": {"en": "{minutes} min", "zh": "{minutes} 分钟"},
    "fairness.empty": {
        "en": "No reps on the roster: add them under [leads] in the rules file.",
        "zh": "名单中没有销售：请在规则文件的 [leads] 中添加。",
    },
    "fairness.bad_month": {
        "en": "Write the month as 2026-11, or leave it out for this month.",
        "zh": "月份请写成 2026-11，或不写表示本月。",
    },
    "help.lead": {
        "en": "add a lead (form); with `why` and a lead number, why it went where it did",
        "zh": "新增线索（表单）；加 `why` 和线索编号则查看分配依据",
    },
    "help.leads": {
        "en": "who got which leads in a month (this month unless you name one), and how fast they followed up",
        "zh": "某月（不写则为本月）的线索分配与跟进速度",
    },
    "usage.lead": {"en": "[why ID]", "zh": "[why 线索编号]"},
    "usage.leads": {"en": "fairness [YYYY-MM]", "zh": "fairness [年-月]"},
}

ENTRIES |= {
    "lead.error.managers_only_roster": {
        "en": "You can set your own away status; only managers change regions, industries, weights or other reps.",
        "zh": "你可以设置自己的在岗状态；区域、行业、权重或他人的设置只有主管可以修改。",
    },
    "rep.show": counted(
        "<@{user}>: regions {regions} · industries {industries} · weight {weight} · {status} · {open} open lead",
        "<@{user}>: regions {regions} · industries {industries} · weight {weight} · {status} · {open} open leads",
        "<@{user}>：区域 {regions} · 行业 {industries} · 权重 {weight} · {status} · {open} 条未联系线索",
        by="open",
    ),
    "rep.all": {"en": "all", "zh": "全部"},
    "rep.away": {"en": "away", "zh": "不在岗"},
    "rep.available": {"en": "taking leads", "zh": "在岗接线索"},
    "rep.usage": {
        "en": "Try `/closeloop rep`, `rep away`, `rep back`, or (managers) `rep @name regions East,South`, "
        "`rep @name industries Machinery`, `rep @name weight 1.5`.",
        "zh": "可用：`/closeloop rep`、`rep away`、`rep back`，主管可用 `rep @某人 regions 华东,华南`、"
        "`rep @某人 industries 机械`、`rep @某人 weight 1.5`。",
    },
    "rep.bad_weight": {
        "en": "A weight is a number from 0.1 to 10, e.g. 1.5.",
        "zh": "权重是 0.1 到 10 之间的数字，例如 1.5。",
    },
    "usage.rep": {
        "en": "[@name] [away | back | regions A,B | industries X | weight 1.5]",
        "zh": "[@某人] [away | back | regions 区域,区域 | industries 行业 | weight 1.5]",
    },
    "help.rep": {
        "en": "see or change the sales roster: away/back, regions, industries, weight",
        "zh": "查看或修改销售名单：在岗/不在岗、区域、行业、权重",
    },
}

# Who a manager's "nobody could take it" message lists, grouped by why they were skipped.
ENTRIES |= {
    "lead.skipped.not_pool_member": {"en": "• not in the pool: {users}", "zh": "• 不在该池：{users}"},
    "lead.skipped.wrong_region": {"en": "• other regions: {users}", "zh": "• 负责其他区域：{users}"},
    "lead.skipped.wrong_industry": {"en": "• other industries: {users}", "zh": "• 负责其他行业：{users}"},
    "lead.skipped.away": {"en": "• away: {users}", "zh": "• 不在岗：{users}"},
    "lead.skipped.excluded": {"en": "• released it before: {users}", "zh": "• 之前已释放：{users}"},
    "lead.skipped.at_cap": {"en": "• at their cap: {users}", "zh": "• 已达上限：{users}"},
    "lead.input.required": {"en": "required", "zh": "必填"},
    "lead.input.too_long": {
        "en": "too long (at most {limit} characters)",
        "zh": "太长（最多 {limit} 个字符）",
    },
    "lead.input.bad_email": {"en": "not an email address", "zh": "不是有效的邮箱地址"},
    "lead.input.bad_number": {"en": "not a number", "zh": "不是数字"},
    "lead.input.negative": {"en": "cannot be below zero", "zh": "不能小于零"},
    "lead.input.bad_choice": {"en": "use red, yellow or green", "zh": "请填 red、yellow 或 green"},
    "lead.input.bad_list": {"en": "give a list", "zh": "请给出列表"},
    "lead.input.bad_text": {"en": "give text", "zh": "请填写文字"},
    "lead.input.nul": {
        "en": "contains a NUL character (\\u0000); remove it and send again",
        "zh": "含有 NUL 字符（\\u0000），请删除后重新提交",
    },
    "lead.input.bad_phone": {
        "en": "a phone number needs at least 5 digits",
        "zh": "电话号码至少要有 5 位数字",
    },
    "lead.input.unreachable": {
        "en": "give a phone or an email, so someone can follow up",
        "zh": "请填写电话或邮箱，以便跟进",
    },
    "lead.input.budget_reversed": {
        "en": "the lower figure comes first (e.g. 10000-20000)",
        "zh": "较小的金额在前（例如 10000-20000）",
    },
    "lead.input.invalid": {"en": "not valid", "zh": "无效"},
}
