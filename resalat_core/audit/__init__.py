"""The audit trail: an append-only log of who did what, written in the same transaction as the act."""
