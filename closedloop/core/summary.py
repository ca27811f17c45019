"""The one-screen summary ``make run`` ends with."""

from __future__ import annotations

import textwrap

import duckdb

from closedloop.core.builds import last_build
from closedloop.core.serving import published_at
from closedloop.core.settings import Settings, exports_folder, load_settings
from closedloop.core.warehouse import connect_read_only


def _headlines(con: duckdb.DuckDBPyConnection, tables: set[str]) -> list[str]:
    """The loop in two lines: the support-driven share of the last quarter and the top themes."""
    out: list[str] = []
    if "fct_support_driven_share" in tables:
        row = con.execute("SELECT quarter_key, shipped_items, support_driven_items, support_driven_share, "
                          "support_driven_share_lower, support_driven_share_upper FROM marts.fct_support_driven_share "
                          "WHERE shipped_items > 0 ORDER BY quarter_key DESC LIMIT 1").fetchone()
        if row:
            out.append(f"{'loop':>12}: {row[0]}: {row[2]} of {row[1]} shipped improvements support-driven "
                       f"({row[3]:.0%}, bounds {row[4]:.0%}-{row[5]:.0%}; marts.fct_support_driven_share)")
    if "dim_themes" in tables:
        top = con.execute("SELECT theme_name, tickets_last_4_weeks FROM marts.dim_themes "
                          "ORDER BY tickets_last_4_weeks DESC, theme_id LIMIT 3").fetchall()
        if top:
            out += textwrap.wrap("top themes, last 4 weeks: " + "; ".join(f"{n} ({c:,})" for n, c in top),
                                 width=100, initial_indent=f"{'themes':>12}: ", subsequent_indent=" " * 14)
    return out


def _source_lines(con: duckdb.DuckDBPyConnection, tables: set[tuple[str, str]]) -> list[str]:
    """Tickets per feedback source, and the columns a rule filled for it (raw.source_defaults)."""
    columns = {row[0] for row in con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_schema = 'raw' AND table_name = 'tickets'").fetchall()}
    if "source_name" not in columns:
        return []
    filled: dict[str, str] = {}
    if ("raw", "source_defaults") in tables:
        for source, emptied, names in con.execute(
                "SELECT coalesce(source_name, ''), starts_with(default_rule, 'emptied') AS emptied, "
                "string_agg(DISTINCT column_name, ', ' ORDER BY column_name) FROM raw.source_defaults "
                "WHERE table_name = 'tickets' GROUP BY ALL ORDER BY ALL").fetchall():
            said = f"emptied: {names}" if emptied else f"by rule: {names}"
            filled[str(source)] = f"{filled[str(source)]}; {said}" if str(source) in filled else said
    parts = [f"{source or 'unnamed'} {int(count):,}" + (f" ({filled[source]})" if source in filled else "")
             for source, count in con.execute("SELECT coalesce(source_name, ''), count(*) FROM raw.tickets "
                                              "GROUP BY ALL ORDER BY 2 DESC, 1").fetchall()]
    return textwrap.wrap("; ".join(parts), width=100, initial_indent=f"{'sources':>12}: ",
                         subsequent_indent=" " * 14, break_on_hyphens=False) if parts else []


def _build_lines(settings: Settings) -> list[str]:
    """The last dbt build's outcome and which marts the reports and dashboards read."""
    build = last_build(settings.home)
    published = published_at(settings.serving_warehouse)
    text = ""
    if build is not None and not build.succeeded:
        text = (f"the warehouse's last build {build.headline()}. Reports and dashboards read "
                + (f"the marts published at {published}" if published else "nothing: no marts published yet"))
    elif build is not None:
        text = f"{build.headline()}; marts published at {published or '?'}"
    return textwrap.wrap(text, width=100, initial_indent=f"{'last build':>12}: ", subsequent_indent=" " * 14,
                         break_on_hyphens=False)


def summary_text() -> str:
    """What is in the warehouse and where to look next."""
    settings = load_settings()
    if not settings.warehouse.exists():
        return f"No warehouse yet at {settings.warehouse}: run `make run` (or `closedloop run`)."
    con = connect_read_only(settings.warehouse)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN ('raw', 'staging', 'intermediate', 'marts') "
            "AND NOT starts_with(table_name, '__') "
            "ORDER BY table_schema, table_name").fetchall()
        lines = ["", "closedloop: what was built", "=" * 60]
        by_schema: dict[str, list[str]] = {}
        for schema, name in tables:
            count = con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()
            by_schema.setdefault(schema, []).append(f"{name} ({int(count[0]) if count else 0:,})")
        for schema in ("staging", "intermediate"):
            if schema in by_schema:
                by_schema[schema] = [f"{len(by_schema[schema])} models (dbt_project/models/{schema}/)"]
        for schema in ("raw", "staging", "intermediate", "marts"):
            if schema in by_schema:
                lines += textwrap.wrap(", ".join(by_schema[schema]), width=100, initial_indent=f"{schema:>12}: ",
                                       subsequent_indent=" " * 14, break_on_hyphens=False)
        quarantined = con.execute("SELECT entity, count(DISTINCT (source_file, source_line)) FROM raw.quarantine "
                                  "GROUP BY entity ORDER BY entity").fetchall()
        lines.append(f"{'quarantine':>12}: " + (", ".join(f"{e} {n:,}" for e, n in quarantined) or "no rejected rows"))
        lines += _source_lines(con, {(schema, name) for schema, name in tables})
        lines += _headlines(con, {name for _, name in tables})
    finally:
        con.close()
    lines += _build_lines(settings)
    lines += [
        "=" * 60,
        f"warehouse   {settings.warehouse}",
        f"serving     {settings.serving_warehouse}",
        "            (what dashboards and reports read: the marts of the last green build)",
        f"exports     {exports_folder(settings)}",
        f"state       {settings.home}",
        "next        make dev            Dagster UI on http://127.0.0.1:3000 (lineage, checks, runs)",
        "            raw.quarantine      rejected rows with file, line, field and reason",
    ]
    return "\n".join(lines)
