"""``@username`` in a comment: the people it names who may see the ticket are reminded."""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.db.models import Q

from servicetickets.accounts.models import User
from servicetickets.tickets.models import Ticket
from servicetickets.tickets.selectors import visible_q

#: ``@`` not inside a word or an e-mail address, then a username's characters.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")
#: A comment naming more people than this reminds the first ones only.
MENTIONS_MAX = 20


def mentioned_in(text: str, *, ticket: Ticket) -> list[User]:
    """The active people ``text`` mentions (any case) who may see ``ticket``, in order."""
    names: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    names = names[:MENTIONS_MAX]
    if not names:
        return []
    named = User.objects.filter(reduce(or_, (Q(username__iexact=n) for n in names)), is_active=True)
    order = {n.lower(): i for i, n in enumerate(names)}
    return sorted(
        (u for u in named if Ticket.objects.filter(visible_q(u), pk=ticket.pk).exists()),
        key=lambda u: order.get(u.username.lower(), len(order)),
    )
