"""Catalogue entries for money received: refusals, `/closeloop pay`, the owner's note, the file import."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    # Refusals, each named by the field it belongs to (a form's field, a 422's `fields`, a file's row).
    "payment.error.required": {"en": "required", "zh": "必填"},
    "payment.error.not_text": {"en": "must be text", "zh": "须为文本"},
    "payment.error.nul": {
        "en": "contains a NUL character (\\u0000); remove it and send again",
        "zh": "含有 NUL 字符（\\u0000），请删除后重新提交",
    },
    "payment.error.too_long": {
        "en": "at most {limit} characters",
        "zh": "最多 {limit} 个字符",
    },
    "payment.error.reference": {
        "en": "give the bank's or ERP's transaction id (at most {limit} characters)",
        "zh": "请填写银行或财务系统的交易流水号（最多 {limit} 个字符）",
    },
    "payment.error.amount": {
        "en": "the amount must be above zero, in whole cents",
        "zh": "金额须大于零，最多精确到分",
    },
    "payment.error.amount_text": {
        "en": "'{text}' is not an amount; write 30000, 30,000.50 or 3万",
        "zh": "“{text}”不是金额；请写 30000、30,000.50 或 3万",
    },
    "payment.error.amount_large": {
        "en": "the amount is too large for a payment",
        "zh": "金额过大，不像一笔回款",
    },
    "payment.error.currency_code": {
        "en": "'{text}' is not a currency code such as CNY or USD",
        "zh": "“{text}”不是三位字母的币种代码",
    },
    "payment.error.currency": {
        "en": "this contract is in {currency}; record the payment in {currency}",
        "zh": "该合同以 {currency} 计价；请按 {currency} 登记回款",
    },
    "payment.error.paid_at": {
        "en": "'{text}' is not a date; use ISO-8601, e.g. 2026-12-07 or 2026-12-07T10:00:00+08:00",
        "zh": "“{text}”不是日期；请用 ISO-8601 格式，例如 2026-12-07 或 2026-12-07T10:00:00+08:00",
    },
    "payment.error.unknown_contract": {
        "en": "no contract {number}; give a contract number (C-2026-0001) or its quote's (Q-2026-0001)",
        "zh": "没有合同 {number}；请填写合同号（C-2026-0001）或其报价单号（Q-2026-0001）",
    },
    "payment.error.overpayment": {
        "en": "{amount} {currency} is more than the {outstanding} {currency} still owed on this contract",
        "zh": "{amount} {currency} 超过了该合同尚欠的 {outstanding} {currency}",
    },
    "payment.error.key_reused": {
        "en": "this Idempotency-Key was used for another request; send a new key for a new payment",
        "zh": "该 Idempotency-Key 已用于另一个请求；新的回款请换一个新键",
    },
    "payment.error.not_finance": {
        "en": "Only finance or a manager records payments received; ask them to.",
        "zh": "只有财务或主管可以登记回款；请联系他们登记。",
    },
    "payment.api.invalid": {"en": "the payment is not valid", "zh": "回款信息无效"},
    # `/closeloop pay`: the form, the one-liner, and the private answers.
    "help.pay": {
        "en": "record money received on a contract (finance and managers)",
        "zh": "登记合同回款（财务与主管）",
    },
    "usage.pay": {"en": "[C-2026-0001 30000 REF123]", "zh": "[合同号 金额 流水号]"},
    "payment.usage": {
        "en": "`/closeloop pay` opens the form, or give it all at once: "
        "`/closeloop pay C-2026-0001 30000 BANK-123` (contract, amount, bank transaction id)",
        "zh": "`/closeloop pay` 打开表单，或一次写全：`/closeloop pay 合同号 金额 流水号`",
    },
    "payment.nothing_owed": {
        "en": "No contract has money owed right now.",
        "zh": "目前没有待回款的合同。",
    },
    "payment.form.title": {"en": "Payment received", "zh": "登记回款"},
    "payment.form.contract": {"en": "Contract", "zh": "合同"},
    "payment.form.option": {
        "en": "{number} — {customer} — {outstanding} owed",
        "zh": "{number} — {customer} — 尚欠 {outstanding}",
    },
    "payment.form.amount": {"en": "Amount received", "zh": "到账金额"},
    "payment.form.reference": {"en": "Bank transaction id", "zh": "银行流水号"},
    "payment.form.paid_at": {"en": "Paid on", "zh": "到账日期"},
    "payment.form.submit": {"en": "Record", "zh": "登记"},
    "payment.recorded": {
        "en": "Recorded {amount} on {contract} (ref {reference}); {outstanding} still owed.",
        "zh": "已登记 {contract} 回款 {amount}（流水号 {reference}）；尚欠 {outstanding}。",
    },
    "payment.already": {
        "en": "{reference} was already recorded on {contract}; nothing changed. {outstanding} still owed.",
        "zh": "流水号 {reference} 已登记在 {contract}，未做改动。尚欠 {outstanding}。",
    },
    # The contract owner's DM.
    "payment.note": {
        "en": "{customer} paid {amount} on {contract} (ref {reference}); {outstanding} still owed",
        "zh": "{customer} 已支付 {contract} 款项 {amount}（流水号 {reference}）；尚欠 {outstanding}",
    },
    "payment.note_paid": {
        "en": "{customer} paid {amount} on {contract} (ref {reference}); the contract is paid in full",
        "zh": "{customer} 已支付 {contract} 款项 {amount}（流水号 {reference}）；合同已全部回款",
    },
    "payment.gone": {"en": "A payment was recorded and later removed.", "zh": "一笔回款已登记后又被删除。"},
    # `closeloop import payments FILE`.
    "payments.import.no_header": {
        "en": "the first line must name the columns, e.g. contract,reference,amount,paid_at",
        "zh": "第一行须为列名，例如 合同编号,流水号,金额,付款日期",
    },
    "payments.import.no_column": {
        "en": "no {column} column; name it {names}",
        "zh": "缺少{column}列；列名请用 {names}",
    },
    "payments.import.column.contract": {"en": "contract", "zh": "合同"},
    "payments.import.column.reference": {"en": "reference", "zh": "流水号"},
    "payments.import.column.amount": {"en": "amount", "zh": "金额"},
    "payments.import.recorded_line": {
        "en": "line {line}: {reference} → {contract}, {amount}; {outstanding} still owed",
        "zh": "第 {line} 行：{reference} → {contract}，{amount}；尚欠 {outstanding}",
    },
    "payments.import.already_line": {
        "en": "line {line}: {reference} already recorded on {contract}",
        "zh": "第 {line} 行：{reference} 已登记在 {contract}",
    },
    "payments.import.rows": counted("{count} row", "{count} rows", "共 {count} 行"),
    "payments.import.dry_run": {
        "en": "{rows}: would record {recorded} ({total}), {already} already recorded; "
        "run again without --dry-run to record them",
        "zh": "{rows}：将登记 {recorded} 笔（{total}），{already} 笔已登记；去掉 --dry-run 再运行即可登记",
    },
    "payments.import.done": {
        "en": "{rows}: recorded {recorded} ({total}), {already} already recorded",
        "zh": "{rows}：已登记 {recorded} 笔（{total}），{already} 笔此前已登记",
    },
    "payments.import.refused": counted(
        "{rows}: {bad} bad row; nothing recorded: fix it and run again",
        "{rows}: {bad} bad rows; nothing recorded: fix them and run again",
        "{rows}：{bad} 行有误；未登记任何回款：请修正后重新运行",
        by="bad",
    ),
    "payments.import.no_team": {
        "en": "closeloop: the database holds no contracts yet, so the Slack team is unknown; "
        "pass --team T… (your workspace ID)",
        "zh": "closeloop：数据库中还没有合同，无法确定 Slack 团队；请加 --team T…（工作区编号）",
    },
}
