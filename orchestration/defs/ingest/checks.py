"""Great Expectations suites as blocking Dagster asset checks on the raw assets."""


import logging

import dagster as dg

from closedloop.core.warehouse import connect_read_only
from closedloop.ingest.expectations import read_frame, validate
from closedloop.ingest.load import LOAD_ORDER
from orchestration.resources import ClosedloopResource

log = logging.getLogger("closedloop.pipeline")


def build_expectations_check(entity_name: str) -> dg.AssetChecksDefinition:
    """Blocking check ``<entity>_meet_expectations`` on ``raw_<entity>``: a failure stops downstream assets."""

    @dg.asset_check(
        asset=f"raw_{entity_name}",
        name=f"{entity_name}_meet_expectations",
        blocking=True,
        description=f"Great Expectations suite for raw.{entity_name}: keys, enums, required timestamps, redaction.",
    )
    def _check(closedloop: ClosedloopResource) -> dg.AssetCheckResult:
        con = connect_read_only(closedloop.warehouse_path)
        try:
            frame = read_frame(con, entity_name)
        finally:
            con.close()
        failures = validate(frame, entity_name)
        verdict = "passed" if not failures else "FAILED: " + "; ".join(str(f) for f in failures)
        log.info(f"check {entity_name}_meet_expectations on {len(frame):,} rows: {verdict}")
        return dg.AssetCheckResult(
            passed=not failures,
            severity=dg.AssetCheckSeverity.ERROR,
            description="; ".join(str(f) for f in failures) or f"{len(frame)} rows meet every expectation",
            metadata={"rows": len(frame), "failed_expectations": dg.MetadataValue.json([str(f) for f in failures])},
        )

    return _check


raw_checks = [build_expectations_check(name) for name in LOAD_ORDER]
