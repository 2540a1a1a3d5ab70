"""The wallet: a double-entry ledger in integer rials that every plugin moves money through."""
