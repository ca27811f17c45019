"""The plain-language summary: sentences filled in from the numbers by templates (no language model).

Every sentence carries the footnote numbers of the marts its figures come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports import formatting as fmt
from reports.records import ReportData, SupportDriven


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
    for other_q, other in ((q.previous, previous), (q.year_ago, year_ago)):
        if other is None:
            parts.append(f"no data for {other_q.key}")
        elif not data.comparable(other_q):
            parts.append(f"not compared with {other_q.key}: partial coverage")
        else:
            parts.append(f"{fmt.change(kind, current, other)} on {other_q.key}")
    return " and ".join(parts)


def _coverage_claims(data: ReportData) -> list[Claim]:
    """Whether the sources cover the quarter, and which inputs the loader filled in by rule."""
    q, cov = data.quarter, data.coverage
    refs = (_source(data, cov.mart.removeprefix("marts."), cov.columns),)
    claims = []
    if not cov.covers(q):
        spans = "; ".join(s.describe() for s in cov.overlapping(q)) or "no source"
        claims.append(Claim(f"{q.key} is only partly covered by the data ({spans}): its figures count what the "
                            f"sources hold and are not compared with other quarters.", refs))
    if cov.defaulted:
        filled = "; ".join(f"{d.table_name}.{d.column_name} ({d.rule}, {fmt.count(d.rows)} rows of "
                           f"{d.source_name})" for d in cov.defaulted)
        claims.append(Claim(f"Some inputs were not in the export and were filled in by rule: {filled}; "
                            f"figures computed from them are marked {DEFAULTED_MARK}.",
                            (_source(data, "dim_source_defaults"),)))
    return claims


DEFAULTED_MARK = "†"
"""Marks a figure computed from a column the loader filled in by rule."""


def summarize(data: ReportData) -> list[Claim]:
    """Sentences for the report's summary, in reading order.

    Args:
        data: The quarter's figures.

    Returns:
        Claims on volume, first response, feedback, QA, the bot, support-driven improvements,
        themes and security, in that order.
    """
    return [*_coverage_claims(data), *_service_claims(data), _support_driven_claim(data), *_theme_claims(data),
            *_security_claims(data)]


def _service_claims(data: ReportData) -> list[Claim]:
    """Tickets resolved, first response against the SLA, feedback and CSAT, QA and bot containment."""
    q = data.quarter
    claims: list[Claim] = []
    k = data.kpi("Tickets resolved")
    claims.append(Claim(f"Support resolved {fmt.count(k.current)} tickets in {q.key} "
                        f"({_versus(data, 'count', k.current, k.previous, k.year_ago)}).", (k.source,)))

    claims.append(_first_response_claim(data))
    cs, cov = data.kpi("CSAT (1-5)"), data.kpi("Feedback coverage")
    if cs.current is None and not cov.current:
        claims.append(Claim(f"No ticket solved in {q.key} was asked for feedback or rated, so feedback coverage "
                            f"and CSAT have no data.", (cov.source, cs.source)))
    else:
        claims.append(Claim(
            f"{fmt.rate(cov.current)} of resolved tickets were asked for feedback, and customers who answered "
            f"rated support {fmt.csat(cs.current)} out of 5 on average "
            f"({_versus(data, 'csat', cs.current, cs.previous, cs.year_ago)}).", (cov.source, cs.source)))

    qa, qa_pass = data.kpi("QA score"), data.kpi("QA pass rate")
    if qa.current is not None:
        claims.append(Claim(
            f"{fmt.count(data.qa_audits)} QA audits scored {fmt.score(qa.current)} out of 100 on average "
            f"({_versus(data, 'score', qa.current, qa.previous, qa.year_ago)}); {fmt.rate(qa_pass.current)} passed.",
            (qa.source, qa_pass.source)))
    bot = data.kpi("Bot containment")
    row = next((r for r in data.history if r["quarter_key"] == q.key), {})
    if not row.get("bot_entered_tickets", 1):
        claims.append(Claim(f"No ticket solved in {q.key} went through the bot, so bot containment has no data.",
                            (bot.source,)))
    else:
        claims.append(Claim(
            f"The bot resolved {fmt.rate(bot.current)} of tickets without a human "
            f"({_versus(data, 'rate', bot.current, bot.previous, bot.year_ago)}).", (bot.source,)))
    return claims


def _first_response_claim(data: ReportData) -> Claim:
    """First response in calendar minutes and SLA attainment, each over its own population, said so."""
    q, fr, target = data.quarter, data.first_response, data.sla_minutes
    med, p90, sla = data.kpi("Median first response"), data.kpi("P90 first response"), data.kpi("SLA attainment")
    refs = (med.source, p90.source, sla.source, _source(data, "fct_tickets", "sla_target"),
            _source(data, "fct_tickets", "sla_status"))
    if not fr.responded:
        return Claim(f"No ticket solved in {q.key} has a human first response in the data (the export holds no "
                     f"agent replies), so first response and the {target}-minute SLA have no data.", refs)
    text = (f"{fmt.count(fr.responded)} of the {fmt.count(fr.tickets)} tickets solved had a human first response: "
            f"median {fmt.minutes(med.current)}, 90th percentile {fmt.minutes(p90.current)} (calendar minutes).")
    if not fr.judged or sla.current is None:
        return Claim(text + " None had a first-reply SLA target, so SLA attainment has no data.", refs)
    text += (f" {fmt.count(fr.judged)} of them had a first-reply target and are judged in business minutes of "
             f"their schedule: {fmt.rate(sla.current)} met the {target}-minute target, median "
             f"{fmt.minutes(fr.judged_median_minutes)} in business minutes "
             f"({_versus(data, 'rate', sla.current, sla.previous, sla.year_ago)}).")
    if med.current is not None and (med.current > target) != (sla.current < 0.5):
        text += (" The calendar median differs from the SLA figures because it counts every calendar minute "
                 "(nights, weekends, holidays) and every ticket with a human first response, "
                 f"{fmt.count(fr.responded - fr.judged)} of them without a first-reply target.")
    return Claim(text, refs)


def share_interval(sd: SupportDriven) -> str:
    """`` (90% interval from link uncertainty 30.0% to 45.0%; 3 of 120 links reviewed by a person)``, or ``""``."""
    if sd.share_lower is None or sd.share_upper is None:
        return ""
    level = f"{100 * sd.interval_level:.0f}% interval" if sd.interval_level is not None else "range"
    reviewed = (f"; {fmt.count(sd.links_reviewed)} of {fmt.count(sd.links)} links reviewed by a person"
                if sd.links is not None and sd.links_reviewed is not None else "")
    return f" ({level} from link uncertainty {fmt.rate(sd.share_lower)} to {fmt.rate(sd.share_upper)}{reviewed})"


def _support_driven_claim(data: ReportData) -> Claim:
    """The support-driven share of the quarter's shipped improvements, or why it is missing."""
    q = data.quarter
    sd = data.support_driven
    if not sd.available:
        return Claim("The support-driven share of shipped improvements is not available yet: the warehouse "
                     "has no backlog-link marts.", ())
    if not any(r.get("shipped_items") for r in sd.history):
        return Claim("No backlog item shipped in any quarter of the data (no backlog export was loaded), so the "
                     "support-driven share has no data.", (_source(data, "fct_support_driven_share"),))
    if not sd.shipped_items:
        return Claim(f"No backlog items shipped in {q.key}.", (_source(data, "fct_support_driven_share"),))
    interval = share_interval(sd)
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
    if not data.comparable(q.previous):
        top = (f"; the biggest theme in {q.key} was “{data.top_themes[0].theme_name}” with "
               f"{fmt.count(data.top_themes[0].tickets)} tickets" if data.top_themes else "")
        return [Claim(f"Themes are not compared with {q.previous.key}: "
                      f"{data.coverage.gap(q, q.previous)}{top}.", theme_refs)]
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
