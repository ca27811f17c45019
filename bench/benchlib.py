"""What the benchmark scripts share: the results file with the machine it was measured on."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any


def write_results(out: str | Path, payload: dict[str, Any], threads: int | None = None) -> Path:
    """Write ``payload`` as JSON to ``out`` (folders created) with a ``machine`` block first, and say so."""
    machine: dict[str, Any] = {"platform": platform.platform(), "cpus": os.cpu_count()}
    if threads is not None:
        machine["threads"] = threads
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": machine, **payload}, indent=2) + "\n")
    print(f"wrote {path}")
    return path


def embedding_cache_file() -> Path:
    """The embedding cache the command-line tools share (``$CLOSEDLOOP_HOME/cache/embeddings.duckdb``)."""
    from closedloop.core.settings import load_settings

    return load_settings().cache / "embeddings.duckdb"
