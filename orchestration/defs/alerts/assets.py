"""The ``alerts`` asset: after every ``marts`` model, tell the configured channels what is new.

Thin wiring over ``closedloop.alerts``: spikes in the data's last weeks, emerging themes and the
quarantine, each announced once per channel (``$CLOSEDLOOP_HOME/alerts/sent.jsonl``). Without a
channel (``$CLOSEDLOOP_ALERT_*`` unset) it sends nothing and says so in the log. A channel that
does not take the message is a warning, not a failed run: what it missed goes out next run.
"""

import logging

import dagster as dg

from closedloop.alerts.notify import data_events, notify
from closedloop.core.settings import load_settings
from orchestration.defs.transform.assets import closedloop_dbt_assets
from orchestration.resources import ClosedloopResource

log = logging.getLogger("closedloop.pipeline")

MART_KEYS = sorted((spec.key for spec in closedloop_dbt_assets.specs if spec.group_name == "marts"),
                   key=lambda key: key.to_user_string())


@dg.asset(key="alerts", group_name="alerts", deps=MART_KEYS, kinds={"python"},
          description="Messages to Slack, a webhook and e-mail ($CLOSEDLOOP_ALERT_*) about theme spikes, new "
                      "emerging themes and quarantined rows; each announced once; nothing sent when unset.")
def alerts(context: dg.AssetExecutionContext, closedloop: ClosedloopResource) -> dg.MaterializeResult:
    """Detect what is news in the marts and the quarantine and send it to every configured channel."""
    settings = load_settings().alerts
    events = data_events(closedloop.warehouse_path, settings)
    report = notify(events, settings, context=f"closedloop run {context.run_id[:8]}, {closedloop.warehouse}")
    if not report.channels:
        message = (f"alerts: {len(events)} events, none sent: no channel configured "
                   "(CLOSEDLOOP_ALERT_SLACK_WEBHOOK, _WEBHOOK_URL or _SMTP_HOST; see README, Alerts)")
    else:
        sent = ", ".join(f"{n} to {name}" for name, n in report.announced.items()) or "nothing new"
        message = f"alerts: {len(events)} events, sent {sent}"
    log.info(message)
    context.log.info(message)
    return dg.MaterializeResult(metadata={
        "events": len(events), "channels": ", ".join(report.channels) or "none",
        "messages": sum(report.sent.values()), "announced": sum(report.announced.values()),
        "failures": "; ".join(report.failures) or "none"})


alert_assets = [alerts]
