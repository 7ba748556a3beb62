"""An experiment, not a product mode: ``python -m bot serve`` with the proposal's database write taken out.

Answers "how close to the floor would the acknowledgement be if the request were not stored before it?" — the one
piece of work the bot could in principle move after the ack (at the price of cards that point at nothing after a
crash). Proposals are kept in memory only, so Confirm does not work here; run it with ``--slow 0``::

    .venv/bin/python bench/ack_bench.py --slow 0 --bot-command "$PWD/.venv/bin/python $PWD/bench/without_store_write.py"
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.cli import main
from bot.lifecycle import CardRef, RequestState, StoredRequest, new_request_id
from bot.store import SqlRequestStore


def propose_in_memory(self: SqlRequestStore, **fields: Any) -> StoredRequest:
    now = self.clock()
    return StoredRequest(
        id=new_request_id(), state=RequestState.PROPOSED, request=fields["request"], requester=fields["requester"],
        text=fields["text"], timezone=fields["timezone"], lang=fields["lang"], created_at=now, updated_at=now,
        channel=fields.get("channel"), card=replace(fields.get("card") or CardRef()), extra=dict(fields.get("extra") or {}),
    )  # fmt: skip


SqlRequestStore.propose = propose_in_memory  # type: ignore[method-assign]

if __name__ == "__main__":
    raise SystemExit(main(["serve"]))
