"""M-Hesam's tables: none. Every rial it shows or moves is in the host's ledger (accounts,
transfers and their entries); M-Hesam reads it and moves money through the ledger's ``transfer``."""
