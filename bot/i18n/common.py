"""Catalogue entries shared by every feature: refusals, errors, generic words."""

from bot.i18n.plural import Entry

ENTRIES: dict[str, Entry] = {
    "error.not_yours": {
        "en": "Only <@{owner}> can use this button.",
        "zh": "只有 <@{owner}> 可以使用这个按钮。",
    },
    "error.gone": {
        "en": "That record no longer exists (it was undone).",
        "zh": "该记录已不存在（已被撤销）。",
    },
    "error.internal": {
        "en": "Something went wrong on our side; nothing was saved. Please try again.",
        "zh": "系统出错，未保存任何内容，请重试。",
    },
    "slack.unreachable": {
        "en": "closeloop can't reach Slack right now; try again in a minute.",
        "zh": "closeloop 暂时无法连接 Slack，请稍后再试。",
    },
    "word.none": {"en": "—", "zh": "—"},
    "button.edit": {"en": "Edit", "zh": "编辑"},
    "button.undo": {"en": "Undo", "zh": "撤销"},
    "modal.save": {"en": "Save", "zh": "保存"},
    "modal.cancel": {"en": "Cancel", "zh": "取消"},
}

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ENTRIES |= {
    f"weekday.{i}": {"en": en, "zh": zh}
    for i, (en, zh) in enumerate(zip(_WEEKDAYS_EN, _WEEKDAYS_ZH, strict=True))
}
ENTRIES |= {f"month.{i + 1}": {"en": en, "zh": f"{i + 1}月"} for i, en in enumerate(_MONTHS_EN)}
ENTRIES |= {
    "datetime.format": {
        "en": "{weekday} {day} {month} {year}, {time}",
        "zh": "{year}年{month}{day}日 {weekday} {time}",
    },
}
