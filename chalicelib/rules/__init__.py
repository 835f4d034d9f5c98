"""Pure domain rules: workflow, routing, SLA, privacy, wording. No AWS, no I/O; unit-tested fast."""
