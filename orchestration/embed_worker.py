"""The embedding worker process: ``python -m orchestration.embed_worker --shard S --spool P ...``.

Started by :class:`topics.embed.workers.WorkerPoolEmbedder`, one per shard. Under Dagster Pipes (the
pipeline's ticket themes with ``CLOSEDLOOP_EMBED_WORKERS``) it opens the Pipes channel: its progress
lines reach the run's log and it reports how many texts it embedded as a custom message. Started
without Pipes (benchmarks) it prints the same lines. Either way every line also goes to stdout
(``committed N/M``), and the work itself is :func:`topics.embed.workers.run_worker`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from topics.config import EmbedConfig
from topics.embed.workers import config_from_json, run_worker


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m orchestration.embed_worker",
                                     description="Embed a shard of texts into a spool of the embedding cache.")
    parser.add_argument("--shard", type=Path, required=True, help="Parquet file of text_hash, text")
    parser.add_argument("--spool", type=Path, required=True, help="DuckDB file receiving the vectors")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--config", required=True, help="the EmbedConfig as JSON")
    return parser.parse_args(argv)


def _work(args: argparse.Namespace, say: Callable[[str], None] | None) -> int:
    """Embed the shard; every line to stdout, and about every tenth batch's also to ``say`` (the Pipes log)."""
    name = f"embedding worker {args.spool.stem.removeprefix('spool-')} (pid {os.getpid()})"

    def progress(done: int, total: int) -> None:
        line = f"{name}: committed {done}/{total}"
        print(line, flush=True)
        if say and (done == total or (done // args.batch_size) % 10 == 0):
            say(line)

    first = f"{name}: embedding {args.shard.name} with {args.threads} thread(s)"
    print(first, flush=True)
    if say:
        say(first)
    return run_worker(args.shard, args.spool, worker_config(args.config), threads=args.threads,
                      batch_size=args.batch_size, progress=progress)


def worker_config(text: str, environ: Mapping[str, str] | None = None) -> EmbedConfig:
    """The orchestrator's embedding settings (``--config``), on this machine's ``$CLOSEDLOOP_EMBED_DEVICE``.

    A worker pod on a GPU node sets ``CLOSEDLOOP_EMBED_DEVICE=cuda``; model, backend, truncation and
    pooling (the cache key) stay the orchestrator's.
    """
    config = config_from_json(text)
    device = (os.environ if environ is None else environ).get("CLOSEDLOOP_EMBED_DEVICE")
    return dataclasses.replace(config, device=device) if device else config


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker; exit code 0 when its whole shard is in its spool."""
    args = _parse(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if os.environ.get("DAGSTER_PIPES_CONTEXT"):
        from dagster_pipes import open_dagster_pipes

        with open_dagster_pipes() as pipes:
            embedded = _work(args, pipes.log.info)
            pipes.report_custom_message({"spool": str(args.spool), "embedded": embedded})
    else:
        _work(args, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
