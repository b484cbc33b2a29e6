"""The audit trail: hash-chained events, verification, deterministic replay and process-mining export.

chain        hash functions of the per-case event chain (used by engine.store.repo when recording)
chain_check  verify one case's chain: payload hashes, links, seq continuity, the case row's anchor
replay       rebuild a case in a fresh workflow from its definition and events, at the recorded times
verify       one case: chain + replay + the stored state against the replay
listing      the step-by-step view of a replay (data diff, open tasks), also against another version
history      batch loading of cases, events and definitions for the above
parallel     verification of many cases on worker processes
api          the use cases behind Engine.verify_cases, Engine.replay_case and Engine.export_events
export, xes  XES (IEEE 1849-2016) and CSV export; pseudonym: the keyed hashes that hide person data
views        the frozen results handed to the CLI and the terminal app
"""
