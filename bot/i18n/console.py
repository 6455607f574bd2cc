"""Catalogue entries for `closeloop console`: its prompt, help, markers and errors."""

from bot.i18n.plural import Entry, counted

ENTRIES: dict[str, Entry] = {
    "console.prompt": {"en": "[{user} @ {where}]> ", "zh": "[{user} @ {where}]> "},
    "console.where_thread": {"en": "{channel} › thread ({number})", "zh": "{channel} › 讨论串 ({number})"},
    "console.welcome": {
        "en": "closeloop console: the bot as it runs in Slack, here in your terminal. Database: {database}",
        "zh": "closeloop 控制台：与 Slack 中同一个机器人，在终端里试用。数据库：{database}",
    },
    "console.demo_team": {
        "en": "Demo team: {people}\nChannels: {channels}\nCustomers: {customers}",
        "zh": "演示团队：{people}\n频道：{channels}\n客户：{customers}",
    },
    "console.empty_team": {
        "en": "An empty team with you as {name}: /as NAME adds a person, /channel NAME a channel.",
        "zh": "空团队，你是 {name}：/as 名字 添加成员，/channel 名称 添加频道。",
    },
    "console.start_hint": {
        "en": "Type as you would in Slack. /help lists the console's commands, /closeloop help the bot's.",
        "zh": "像在 Slack 里一样输入。/help 查看控制台命令，/closeloop help 查看机器人命令。",
    },
    "console.region.east": {"en": "East", "zh": "华东"},
    "console.region.south": {"en": "South", "zh": "华南"},
    "console.bye": {
        "en": "Bye. Everything is kept in {database}; export it with: closeloop export activities --format csv",
        "zh": "再见。所有内容都保存在 {database}；导出：closeloop export activities --format csv",
    },
    "console.bad_now": {
        "en": "closeloop: could not read --now {text}; use ISO-8601, e.g. 2026-11-25T10:00:00+08:00",
        "zh": "closeloop：无法读取 --now {text}；请用 ISO-8601 格式，例如 2026-11-25T10:00:00+08:00",
    },
    # help
    "console.help_header": {"en": "Console commands:", "zh": "控制台命令："},
    "console.help.thread": {
        "en": "enter the thread of message (N)",
        "zh": "进入消息 (N) 的讨论串",
    },
    "console.help.back": {"en": "leave the thread", "zh": "离开讨论串"},
    "console.help.click": {
        "en": "press button [N] of the last message shown with buttons",
        "zh": "点击最近显示的带按钮消息上的按钮 [N]",
    },
    "console.help.as": {"en": "speak as someone else", "zh": "切换成其他成员发言"},
    "console.help.channel": {
        "en": "go to a channel (a new name creates it); no name lists them",
        "zh": "进入频道（新名称即新建）；不带名称则列出频道",
    },
    "console.help.dm": {"en": "show the bot's direct messages to you", "zh": "查看机器人发给你的私信"},
    "console.help.home": {"en": "open closeloop's Home tab", "zh": "打开 closeloop 的主页"},
    "console.home_header": {"en": "🏠 closeloop Home of {name}:", "zh": "🏠 {name} 的 closeloop 主页："},
    "console.no_home": {"en": "The Home tab could not be shown.", "zh": "无法显示主页。"},
    "console.help.clock": {
        "en": "show the simulated time, or move it (+1d, +3h, 2026-12-01 09:00); scheduled work runs",
        "zh": "查看或拨动模拟时间（+1d、+3h、2026-12-01 09:00）；到点的定时任务会运行",
    },
    "console.help.help": {"en": "this list", "zh": "显示本列表"},
    "console.usage.number": {"en": "N", "zh": "N"},
    "console.usage.name": {"en": "NAME", "zh": "名字"},
    "console.usage.channel": {"en": "[NAME]", "zh": "[名称]"},
    "console.usage.clock": {"en": "[+1d | TIME]", "zh": "[+1d | 时间]"},
    "console.help.quit": {"en": "leave (Ctrl-D too)", "zh": "退出（也可按 Ctrl-D）"},
    "console.help_people": {
        "en": "People (/as HANDLE speaks as them):",
        "zh": "成员（/as 账号 以其身份发言）：",
    },
    "console.help_channels": {
        "en": "Channels (/channel NAME goes there):",
        "zh": "频道（/channel 名称 进入）：",
    },
    "console.role.manager": {
        "en": "manager (reassigns leads, changes the roster)",
        "zh": "主管（可改派线索、修改名单）",
    },
    "console.role.rep": {
        "en": "rep for {regions}, weight {weight}",
        "zh": "销售，负责 {regions}，权重 {weight}",
    },
    "console.pool.assign": {
        "en": "lead cards of pool {pool} ({regions}), assigned to a rep",
        "zh": "线索池 {pool}（{regions}）的线索卡片，直接分配给销售",
    },
    "console.pool.offer": {
        "en": "lead cards of pool {pool} ({regions}), offered: the first to click Claim gets it",
        "zh": "线索池 {pool}（{regions}）的线索卡片，抢单：先点“认领”者得",
    },
    "console.help_footer": {
        "en": "Anything else is a message in the channel, or in the thread you are in; #archive files it. "
        "/closeloop help lists the bot's own commands.\n"
        "(N) numbers messages. [N] numbers the buttons and menus of one bot message; /click N uses the "
        "last message shown with any (entering its thread shows it again).",
        "zh": "其他输入都是发在频道（或当前讨论串）里的消息；#归档 即可归档。/closeloop help 查看机器人自己的命令。\n"
        "(N) 是消息编号。[N] 是某条机器人消息上的按钮和菜单编号；/click N 作用于最近显示的带按钮消息"
        "（进入其讨论串会再次显示它）。",
    },
    "console.unknown_command": {
        "en": "{word} is not a console command. Console commands: {names}",
        "zh": "{word} 不是控制台命令。控制台命令：{names}",
    },
    # places and people
    "console.channel_header": {"en": "── {channel} ──", "zh": "── {channel} ──"},
    "console.replies": counted("{count} reply", "{count} replies", "{count} 条回复"),
    "console.thread_usage": {
        "en": "Which message? /thread 3 enters the thread of message (3).",
        "zh": "哪条消息？/thread 3 进入消息 (3) 的讨论串。",
    },
    "console.no_message": {"en": "There is no message ({number}) here.", "zh": "这里没有消息 ({number})。"},
    "console.in_thread": {
        "en": "── thread of ({number}) in {channel}; /back leaves it ──",
        "zh": "── {channel} 中 ({number}) 的讨论串；/back 离开 ──",
    },
    "console.not_in_thread": {"en": "You are not in a thread.", "zh": "你不在讨论串中。"},
    "console.back": {"en": "Back in {channel}.", "zh": "回到 {channel}。"},
    "console.as_usage": {"en": "Who? /as NAME. People: {names}", "zh": "切换成谁？/as 名字。成员：{names}"},
    "console.joined": {"en": "{name} joins the team.", "zh": "{name} 加入团队。"},
    "console.you_are": {
        "en": "You are {name} ({language}, {tz}).",
        "zh": "你现在是 {name}（{language}，{tz}）。",
    },
    "console.channels": {"en": "Channels: {names}", "zh": "频道：{names}"},
    "console.channel_created": {"en": "{channel} created.", "zh": "已创建 {channel}。"},
    "console.no_dms": {"en": "No direct messages for {name}.", "zh": "{name} 没有私信。"},
    # what the bot shows
    "console.only_you": {"en": "(only you)", "zh": "(仅你可见)"},
    "console.only_them": {"en": "(only {name})", "zh": "(仅 {name} 可见)"},
    "console.dm_to": {"en": "(DM to {name})", "zh": "(私信给 {name})"},
    "console.updated": {"en": "(updated)", "zh": "(已更新)"},
    "console.deleted": {"en": "(deleted)", "zh": "(已删除)"},
    "console.rejected": {
        "en": "!! Slack would reject what the bot sent: {detail}",
        "zh": "!! Slack 会拒绝机器人发送的内容：{detail}",
    },
    "console.unhandled": {
        "en": "Nothing in the bot answers that.",
        "zh": "机器人没有处理这个操作。",
    },
    "console.failed": {
        "en": "The bot failed on that (status {status}); the line above says why.",
        "zh": "机器人处理失败（状态 {status}）；原因见上一行。",
    },
    # clicks and modals
    "console.click_usage": {
        "en": "Which button? /click 2 presses button [2].",
        "zh": "点哪个按钮？/click 2 点击按钮 [2]。",
    },
    "console.nothing_to_click": {
        "en": "Nothing to click: no message with buttons has been shown to you yet.",
        "zh": "没有可点击的内容：还没有向你显示带按钮的消息。",
    },
    "console.no_button": {
        "en": "No button {number} here: the last message with buttons has [1] to [{count}].",
        "zh": "这里没有按钮 {number}：最近的带按钮消息只有 [1] 到 [{count}]。",
    },
    "console.cannot_click": {
        "en": "A {type} cannot be used in the console yet.",
        "zh": "控制台暂不支持使用 {type}。",
    },
    "console.opens": {"en": "(opens {url})", "zh": "(打开 {url})"},
    "console.not_done": {"en": "Not done.", "zh": "已取消。"},
    "console.modal_hint": {
        "en": "Enter keeps [the value shown], - empties a field, /cancel closes",
        "zh": "回车保留 [当前值]，- 清空该项，/cancel 关闭",
    },
    "console.modal_closed": {"en": "closed, nothing saved", "zh": "已关闭，未保存"},
    "console.optional": {"en": "(optional)", "zh": "(选填)"},
    "console.required": {"en": "This field is required.", "zh": "此项必填。"},
    "console.too_long": counted(
        "Too long: at most {limit} character.",
        "Too long: at most {limit} characters.",
        "太长：最多 {limit} 个字符。",
        by="limit",
    ),
    "console.not_a_date": {
        "en": "Not a date: {answer} (use YYYY-MM-DD)",
        "zh": "不是日期：{answer}（格式 YYYY-MM-DD）",
    },
    "console.no_person": {
        "en": "Nobody here is called {name}: type a handle from /help.",
        "zh": "这里没有 {name}：请输入 /help 中列出的名字。",
    },
    "console.no_choice": {
        "en": "No choice {answer} here: answer 1 to {count}.",
        "zh": "没有选项 {answer}：请输入 1 到 {count}。",
    },
    "console.cannot_fill": {
        "en": "a {type} cannot be filled in the console yet; left as it is",
        "zh": "控制台暂不支持填写 {type}；保持原样",
    },
    # the clock
    "console.clock": {"en": "It is {time} ({tz}).", "zh": "现在是 {time}（{tz}）。"},
    "console.bad_time": {
        "en": "could not read that time: {text} (use +1d, +3h or 2026-12-01 09:00)",
        "zh": "无法读取该时间：{text}（请用 +1d、+3h 或 2026-12-01 09:00）",
    },
    "console.clock_backwards": {
        "en": "The clock only moves forward; it is already {time}.",
        "zh": "时间只能向前拨；现在已是 {time}。",
    },
}
