"""`/closeloop digest now`: a manager posts today's digest so far in the channel they are in.

Anyone else is told privately and nothing is posted. The digest goes through the outbox under a key
of its own, so the scheduled digest still goes out at its time.
"""

from __future__ import annotations

from bot.i18n import t
from handlers.command_table import COMMANDS, CommandCall, Subcommand


async def _digest(call: CommandCall) -> None:
    lang = call.person.lang
    if call.args.strip().lower() != "now":
        await call.reply(t(lang, "help.digest_usage"))
        return
    if not call.services.leads.is_manager(call.person.user_id):
        await call.reply(t(lang, "digest.now.managers_only"))
        return
    outcome = await call.services.digests.post_now(
        call.team_id, call.channel_id, call.services.clock.now(), call.trigger_id
    )
    await call.reply(t(lang, f"digest.now.{outcome}"))


COMMANDS.add(Subcommand("digest", "usage.digest", "help.digest", _digest))
