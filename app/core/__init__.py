"""Pure-Python domain: order references, waybills, label decoding, the fetch engine, the ledger (no Qt)."""
