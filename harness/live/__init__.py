"""Live safety: what a deployment offers (preflight, capabilities), the station before and after
a run (fingerprint, safety), and the record of what a run created (ledger)."""
