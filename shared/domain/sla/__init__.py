"""The SLA: working-time calendar with its closures, the policy's targets, the clocks'
ledger, their statistics and the escalation matrix."""
