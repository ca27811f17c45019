"""The plain-language summary: sentences filled in from the numbers by templates (no language model).

Every sentence carries the footnote numbers of the marts its figures come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports import formatting as fmt
from reports.records import ReportData


@dataclass(frozen=True)
class Claim:
    """One sentence of the summary and the sources (footnote numbers) behind it."""

    text: str
    refs: tuple[int, ...]


def _source(data: ReportData, mart: str, column_hint: str = "") -> int:
    return next(s.number for s in data.sources if s.mart.startswith(f"marts.{mart}") and column_hint in s.columns)


def _versus(data: ReportData, kind: str, current: float | None, previous: float | None,
            year_ago: float | None) -> str:
    q = data.quarter
    parts = []
    for label, other in ((q.previous.key, previous), (q.year_ago.key, year_ago)):
        parts.append(f"{fmt.change(kind, current, other)} on {label}" if other is not None else f"no data for {label}")
    return " and ".join(parts)


def summarize(data: ReportData) -> list[Claim]:
    """Sentences for the report's summary, in reading order.

    Args:
        data: The quarter's figures.

    Returns:
        Claims on volume, first response, feedback, QA, the bot, support-driven improvements,
        themes and security, in that order.
    """
    return [*_service_claims(data), _support_driven_claim(data), *_theme_claims(data), *_security_claims(data)]


def _service_claims(data: ReportData) -> list[Claim]:
    """Tickets resolved, first response against the SLA, feedback and CSAT, QA and bot containment."""
    q = data.quarter
    claims: list[Claim] = []
    k = data.kpi("Tickets resolved")
    claims.append(Claim(f"Support resolved {fmt.count(k.current)} tickets in {q.key} "
                        f"({_versus(data, 'count', k.current, k.previous, k.year_ago)}).", (k.source,)))

    med, p90, sla = data.kpi("Median first response"), data.kpi("P90 first response"), data.kpi("SLA attainment")
    target = data.sla_minutes
    within = (p90.current is not None and p90.current <= target)
    where = (f"so nine in ten first responses came within the {target}-minute SLA" if within else
             f"so more than one in ten first responses took longer than the {target}-minute SLA")
    claims.append(Claim(
        f"The median first response took {fmt.minutes(med.current)} and the 90th percentile "
        f"{fmt.minutes(p90.current)}, {where}; {fmt.rate(sla.current)} of tickets with a human first response "
        f"met it ({_versus(data, 'rate', sla.current, sla.previous, sla.year_ago)}).",
        (med.source, p90.source, sla.source, _source(data, "fct_tickets", "sla_target"))))

    cs, cov = data.kpi("CSAT (1-5)"), data.kpi("Feedback coverage")
    claims.append(Claim(
        f"{fmt.rate(cov.current)} of resolved tickets were asked for feedback, and customers who answered rated "
        f"support {fmt.csat(cs.current)} out of 5 on average "
        f"({_versus(data, 'csat', cs.current, cs.previous, cs.year_ago)}).", (cov.source, cs.source)))

    qa, qa_pass = data.kpi("QA score"), data.kpi("QA pass rate")
    if qa.current is not None:
        claims.append(Claim(
            f"{fmt.count(data.qa_audits)} QA audits scored {fmt.score(qa.current)} out of 100 on average "
            f"({_versus(data, 'score', qa.current, qa.previous, qa.year_ago)}); {fmt.rate(qa_pass.current)} passed.",
            (qa.source, qa_pass.source)))
    bot = data.kpi("Bot containment")
    claims.append(Claim(
        f"The bot resolved {fmt.rate(bot.current)} of tickets without a human "
        f"({_versus(data, 'rate', bot.current, bot.previous, bot.year_ago)}).", (bot.source,)))
    return claims


def _support_driven_claim(data: ReportData) -> Claim:
    """The support-driven share of the quarter's shipped improvements, or why it is missing."""
    q = data.quarter
    sd = data.support_driven
    if not sd.available:
        return Claim("The support-driven share of shipped improvements is not available yet: the warehouse "
                     "has no backlog-link marts.", ())
    if not sd.shipped_items:
        return Claim(f"No backlog items shipped in {q.key}.", (_source(data, "fct_support_driven_share"),))
    interval = (f" (range from link confidence {fmt.rate(sd.share_lower)} to {fmt.rate(sd.share_upper)})"
                if sd.share_lower is not None and sd.share_upper is not None else "")
    lead = (f"; from the first ticket of a theme to shipping took a median of {fmt.days(sd.median_lead_days)}"
            if sd.median_lead_days is not None else "")
    return Claim(
        f"Support drove {fmt.count(sd.support_driven_items)} of the {fmt.count(sd.shipped_items)} improvements "
        f"shipped in {q.key}, {fmt.rate(sd.share)}{interval}{lead}.",
        (_source(data, "fct_support_driven_share"), _source(data, "fct_insight_lead_time")))


def _theme_claims(data: ReportData) -> list[Claim]:
    """The fastest-rising and the steepest-declining theme, when there are any."""
    q = data.quarter
    claims: list[Claim] = []
    theme_refs = (_source(data, "fct_theme_weekly"), _source(data, "dim_themes"))
    if data.rising:
        r = data.rising[0]
        claims.append(Claim(f"The fastest-rising theme was “{r.theme_name}”: {r.tickets} tickets, "
                            f"up from {r.previous_tickets} in {q.previous.key}.", theme_refs))
    if data.declining:
        d = data.declining[0]
        claims.append(Claim(f"The steepest decline was “{d.theme_name}”: {d.tickets} tickets, "
                            f"down from {d.previous_tickets} in {q.previous.key}.", theme_refs))
    return claims


def _security_claims(data: ReportData) -> list[Claim]:
    """Security interventions against their target, and deposit recoveries."""
    q = data.quarter
    claims: list[Claim] = []
    s = data.security
    if s.interventions:
        claims.append(Claim(
            f"Security intervened on {fmt.count(s.interventions)} tickets ({fmt.count(s.interventions_previous)} in "
            f"{q.previous.key}), {fmt.rate(s.within_target / s.interventions)} within the "
            f"{s.target_minutes}-minute target.", (_source(data, "fct_security_interventions"),)))
    else:
        claims.append(Claim(f"No security interventions were flagged in {q.key}.",
                            (_source(data, "fct_security_interventions"),)))
    if s.deposits_reported:
        claims.append(Claim(
            f"Of {fmt.count(s.deposits_reported)} missing deposits reported, {fmt.count(s.deposits_recovered)} were "
            f"recovered, {fmt.count(s.deposits_pending)} are pending and {fmt.count(s.deposits_unrecoverable)} "
            f"could not be recovered.", (_source(data, "fct_deposit_recoveries"),)))
    return claims
