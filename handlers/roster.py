"""`/closeloop rep`: see and change the sales roster from Slack, on top of the rules file.

A rep sets their own away status (`rep away`, `rep back`); managers change anyone's regions,
industries, weight or status (`rep @name regions East,South`). Routing uses the change at once.
"""

from __future__ import annotations

import re
from typing import Any

from bot.i18n import t
from domain.leads import Rep
from handlers.command_table import COMMANDS, MENTION, CommandCall, Subcommand
from handlers.leads import refusal
from usecases.leads import LeadError

_LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")


def parse_rep_change(words: str) -> dict[str, Any] | None:
    """`away`, `back`, `regions A,B`, `industries X`, `weight 1.5` → the change; None if unreadable.

    Raises ValueError for a weight that is not a number in (0, 10].
    """
    verb, _, rest = words.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb in ("away", "back") and not rest:
        return {"away": verb == "away"}
    if verb in ("regions", "industries") and rest:
        return {verb: [item for item in _LIST_SEPARATORS.split(rest) if item]}
    if verb == "weight" and rest:
        weight = float(rest)
        if not 0 < weight <= 10:
            raise ValueError(rest)
        return {"weight": weight}
    return None


async def _rep(call: CommandCall) -> None:
    lang, args = call.person.lang, call.args.strip()
    mention = MENTION.match(args)
    target = mention.group(1) if mention else call.person.user_id
    words = args[mention.end() :] if mention else args
    desk, now = call.services.leads, call.services.clock.now()
    if words:
        try:
            change = parse_rep_change(words)
        except ValueError:
            await call.reply(t(lang, "rep.bad_weight"))
            return
        if change is None:
            await call.reply(t(lang, "rep.usage"))
            return
        try:
            await desk.change_rep(call.team_id, target, change, call.person.user_id, now)
        except LeadError as error:
            await call.reply(refusal(error, lang))
            return
    rep = next((r for r in await desk.roster(call.team_id) if r.user_id == target), None)
    if rep is None:
        await call.reply(t(lang, "lead.error.not_on_roster", user=target))
        return
    await call.reply(_describe(rep, await desk.open_load(call.team_id, rep.user_id, now), lang))


def _describe(rep: Rep, open_leads: int, lang: str) -> str:
    every = t(lang, "rep.all")
    return t(
        lang,
        "rep.show",
        user=rep.user_id,
        regions=", ".join(sorted(rep.regions)) or every,
        industries=", ".join(sorted(rep.industries)) or every,
        weight=rep.weight,
        status=t(lang, "rep.away" if rep.away else "rep.available"),
        open=open_leads,
    )


COMMANDS.add(Subcommand("rep", "usage.rep", "help.rep", _rep))
