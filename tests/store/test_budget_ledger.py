"""The budget ledger on both backends: increments add up, totals come back, old windows go."""

from __future__ import annotations

from sluice.store.budgets import BudgetLedger


async def test_increments_add_up_and_old_windows_are_deleted(migrated: str) -> None:
    ledger = BudgetLedger(migrated)
    try:
        old, now = (60, 1_000_000_020), (60, 1_000_000_080)
        await ledger.exchange({(*old, "client=key:a"): 5}, [old])
        totals = await ledger.exchange({(*now, "client=key:a"): 7, (*now, "team=blue"): 3}, [now])
        assert totals == {(*now, "client=key:a"): 7, (*now, "team=blue"): 3}
        totals = await ledger.exchange({(*now, "client=key:a"): 1}, [now])
        assert totals[(*now, "client=key:a")] == 8
        assert await ledger.exchange({}, [old]) == {}  # deleted once a later window came
    finally:
        await ledger.close()
