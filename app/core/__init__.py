"""Pure-Python domain: order references, waybills, labels, the fetch engine, the ledger (no Qt)."""
