"""The escalation timer: every ``%ESCALATION_SCHEDULE%`` (5 minutes by default) it handles the SLA
checkpoints that are due (:mod:`shared.usecases.escalator`)."""

from __future__ import annotations

import logging

import azure.functions as func

from functions.dependencies import desk, schedule, utc_now
from shared.usecases.escalator import sweep

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%ESCALATION_SCHEDULE%", run_on_startup=False, use_monitor=True)
@bp.retry(strategy="fixed_delay", max_retry_count="3", delay_interval="00:00:10")
def sweep_escalations(timer: func.TimerRequest) -> None:
    """One sweep as of now."""
    report = sweep(desk(), schedule(), utc_now())
    if report.due:
        logger.info(
            "escalation sweep: %d due, %d escalated, %d stale, %d contended, %d failed",
            report.due, report.escalated, report.stale, report.contended, report.failed,
        )  # fmt: skip
