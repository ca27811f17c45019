"""Does the support-driven share's interval contain the planted share? On clean and noisier demos.

For each ``--demo SEED:TICKETS[:RELABEL]`` it generates the demo (``closedloop demo-data``, with
``--relabel-references RELABEL`` when given: that share of support-driven items cite, or carry the
key of, another theme's tickets), runs the pipeline (``closedloop run``) in its own
CLOSEDLOOP_HOME under ``--work`` (reused when already built), and compares
``marts.fct_support_driven_share_interval`` with ``truth/support_driven_share.csv``: per quarter the
share's error and whether [share_low, share_high] contains the planted share. With
``--calibration-sd SD`` the interval models are built again on each warehouse with
``share_calibration_sd`` = SD first (a sweep needs no new pipeline runs). Prints a table per demo
and writes ``bench/results/share_interval.json`` (or ``--out``).

    .venv/bin/python bench/share_interval.py --work /tmp/share-bench --demo 3:1500 --demo 3:1500:0.2

Targets: every quarter's share error at most 0.05 on held-out clean demos; on noisier demos the
interval contains the planted share in at least 7 of 8 quarters (dbt_project/DECISIONS.md, "The
share's interval").
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "share_interval.json"
CLI = str(Path(sys.executable).with_name("closedloop"))
ERROR_CEILING = 0.05


@dataclass(frozen=True)
class QuarterInterval:
    """One quarter: the marts' share and interval against the planted share."""

    quarter: str
    shipped: int
    share: float
    expected: float
    low: float
    high: float
    truth: float
    links: int
    links_reviewed: int

    @property
    def error(self) -> float:
        """``|share - truth|``."""
        return abs(self.share - self.truth)

    @property
    def covered(self) -> bool:
        """The interval contains the planted share (1e-9 for rounding)."""
        return self.low - 1e-9 <= self.truth <= self.high + 1e-9


def build(work: Path, seed: int, tickets: int, relabel: float) -> tuple[Path, Path, float]:
    """Generate and run one demo under ``work`` unless its warehouse exists; its home, demo and seconds."""
    name = f"seed{seed}-{tickets}" + (f"-relabel{relabel:g}" if relabel else "")
    home, demo = work / name / "state", work / name / "demo"
    if (home / "serving" / "closedloop.duckdb").is_file():
        return home, demo, 0.0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))}
    env["CLOSEDLOOP_HOME"] = str(home)
    started = time.perf_counter()
    extra = ["--relabel-references", str(relabel)] if relabel else []
    for args in (["demo-data", "--out", str(demo), "--tickets", str(tickets), "--seed", str(seed), *extra],
                 ["run", "--data", str(demo)]):
        done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"closedloop {args[0]} failed for {name}:\n{done.stderr[-3000:]}")
    return home, demo, time.perf_counter() - started


def rebuild_interval(home: Path, sd: float) -> None:
    """Build the interval models again on ``home``'s warehouse with ``share_calibration_sd`` = ``sd``."""
    project = ROOT / "dbt_project"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOSEDLOOP_", "DAGSTER_", "DBT_"))}
    env.update(CLOSEDLOOP_WAREHOUSE=str(home / "warehouse.duckdb"), DBT_LOG_PATH=str(home / "dbt" / "logs"))
    done = subprocess.run([str(Path(sys.executable).with_name("dbt")), "build", "--profiles-dir", str(project),
                           "--project-dir", str(project), "--target-path", str(home / "dbt" / "target-interval"),
                           "--select", "int_support_driven_counts_distributed+",
                           "--vars", json.dumps({"share_calibration_sd": sd})],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"dbt build of the interval failed in {home}:\n{done.stdout[-3000:]}")


def measure(home: Path, demo: Path) -> list[QuarterInterval]:
    """The interval mart against the planted share, quarter by quarter (quarters with shipped items).

    The planted share is taken from its counts: the CSV's share is rounded to six decimals.
    """
    with (demo / "truth" / "support_driven_share.csv").open(newline="") as handle:
        planted = {r["quarter"]: int(r["support_driven_improvements"]) / int(r["shipped_improvements"])
                   for r in csv.DictReader(handle) if int(r["shipped_improvements"] or 0)}
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select quarter_key, shipped_items, share, expected_share, share_low, share_high, links, "
                           "links_reviewed from marts.fct_support_driven_share_interval order by quarter_key"
                           ).fetchall()
    return [QuarterInterval(q, int(n), float(s), float(e), float(lo), float(hi), planted[q], int(m), int(r))
            for q, n, s, e, lo, hi, m, r in rows if q in planted]


def fitted_shift(home: Path, demo: Path) -> float:
    """The shared logit shift that fits the planted truth best on this demo (how far its calibration is off).

    Maximum likelihood of the shipped improvements' planted support-driven flags under
    sigmoid(logit(p) + delta), over the items with 0 < p < 1, on a grid of 0.01 in [-4, 4].
    """
    import numpy as np

    with (demo / "truth" / "backlog_items.csv").open(newline="") as handle:
        driven = {r["item_id"]: bool(r["driving_theme"]) for r in csv.DictReader(handle)}
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        items = con.execute("select item_id, support_probability from intermediate.int_improvements_shipped "
                            "where support_probability > 0 and support_probability < 1").fetchall()
    logits = np.array([np.log(p / (1 - p)) for _, p in items])
    flags = np.array([driven.get(item, False) for item, _ in items], dtype=float)
    grid = np.linspace(-4, 4, 801)
    loglik = [float(np.sum(-flags * np.logaddexp(0, -(logits + d)) - (1 - flags) * np.logaddexp(0, logits + d)))
              for d in grid]
    return round(float(grid[int(np.argmax(loglik))]), 2)


def report(name: str, quarters: list[QuarterInterval]) -> dict[str, object]:
    """Print one demo's table; its figures for the JSON."""
    print(f"\n{name}")
    print(f"{'quarter':8} {'shipped':>7} {'share':>6} {'expected':>8} {'low':>6} {'high':>6} {'truth':>6} "
          f"{'error':>6} {'covered':>7} {'links':>6}")
    for q in quarters:
        print(f"{q.quarter:8} {q.shipped:7d} {q.share:6.3f} {q.expected:8.3f} {q.low:6.3f} {q.high:6.3f} "
              f"{q.truth:6.3f} {q.error:6.3f} {'yes' if q.covered else 'NO':>7} {q.links:6d}")
    covered = sum(q.covered for q in quarters)
    worst = max((q.error for q in quarters), default=0.0)
    over = sum(q.error > ERROR_CEILING for q in quarters)
    width = sum(q.high - q.low for q in quarters) / max(1, len(quarters))
    print(f"covered {covered} of {len(quarters)} quarters; worst error {worst:.3f} ({over} over {ERROR_CEILING}); "
          f"mean interval width {width:.3f}")
    return {"demo": name, "covered": covered, "quarters_total": len(quarters), "worst_error": worst,
            "quarters_over_ceiling": over, "mean_width": width,
            "quarters": [asdict(q) | {"error": q.error, "covered": q.covered} for q in quarters]}


def main() -> None:
    """Build or reuse each demo, measure, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--work", type=Path, required=True, help="folder for the demos' homes (reused)")
    parser.add_argument("--demo", action="append", required=True, metavar="SEED:TICKETS[:RELABEL]",
                        help="a demo to measure (repeat)")
    parser.add_argument("--calibration-sd", type=float,
                        help="rebuild the interval with this share_calibration_sd before measuring")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file")
    args = parser.parse_args()
    results = []
    for spec in args.demo:
        parts = spec.split(":")
        seed, tickets, relabel = int(parts[0]), int(parts[1]), float(parts[2]) if len(parts) > 2 else 0.0
        home, demo, seconds = build(args.work, seed, tickets, relabel)
        if args.calibration_sd is not None:
            rebuild_interval(home, args.calibration_sd)
        result = report(f"seed {seed}, {tickets:,} tickets, relabel {relabel:g}", measure(home, demo))
        result["fitted_shift"] = fitted_shift(home, demo)
        print(f"fitted calibration shift {result['fitted_shift']:+.2f}")
        results.append(result | {"seed": seed, "tickets": tickets, "relabel": relabel, "build_seconds": seconds,
                                 "calibration_sd": args.calibration_sd})
    shifts = [float(r["fitted_shift"]) for r in results]
    print(f"root mean square of the fitted shifts: {(sum(x * x for x in shifts) / len(shifts)) ** 0.5:.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
