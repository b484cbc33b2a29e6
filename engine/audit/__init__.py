"""The audit trail: hash chain over events, verification and replay."""
