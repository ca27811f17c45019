"""Embedding in worker processes under Dagster Pipes (``CLOSEDLOOP_EMBED_WORKERS=N``).

With the setting unset (or 0) the themes embed in-process, as always. With N workers the theme asset
hands :func:`topics.refresh.update_themes` a :class:`~topics.embed.workers.WorkerPoolEmbedder` whose
workers are ``python -m orchestration.embed_worker`` child processes, each opened as a Dagster Pipes
session (``dg.open_pipes_session``, the machinery of ``PipesSubprocessClient``, one session per
worker so they run side by side): their lines reach the run's log. A worker that dies fails the run
once the others have finished (the message names it and the texts it left); its committed batches
are recovered by the next run. With ``CLOSEDLOOP_EMBED_K8S_POD`` the same workers run as Kubernetes
pods instead (:mod:`orchestration.defs.topics.embed_k8s`). Pipes reference:
https://docs.dagster.io/guides/build/external-pipelines.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb

from closedloop.core.settings import Settings

if TYPE_CHECKING:  # the model stack loads when the asset runs, not when the definitions load
    from topics.embed import Embedder
    from topics.embed.workers import Launcher

WORKER_COMMAND = (sys.executable, "-m", "orchestration.embed_worker")
"""The worker program, run with this interpreter (so also in this virtualenv)."""


class PipesLauncher:
    """Starts each worker inside a Pipes session of the running asset; collects their custom messages."""

    def __init__(self, context: dg.AssetExecutionContext | dg.OpExecutionContext) -> None:
        """Bind to the asset's execution context (the workers' logs go to its run)."""
        self._context = context
        self._sessions = contextlib.ExitStack()
        self._opened: list[dg.PipesSession] = []
        self.messages: list[Any] = []

    def start(self, index: int, argv: list[str]) -> subprocess.Popen[bytes]:
        """Open a Pipes session for worker ``index`` and start it with the session's bootstrap variables."""
        session = self._sessions.enter_context(dg.open_pipes_session(
            context=self._context, context_injector=dg.PipesTempFileContextInjector(),
            message_reader=dg.PipesTempFileMessageReader(), extras={"worker": index}))
        self._opened.append(session)
        return subprocess.Popen(argv, env={**os.environ, **session.get_bootstrap_env_vars()},
                                stdout=subprocess.DEVNULL)

    def close(self) -> None:
        """Close the sessions (reading the workers' last messages) and keep their custom messages."""
        self._sessions.close()
        for session in self._opened:
            self.messages.extend(session.get_custom_messages())


@contextlib.contextmanager
def theme_embedder(context: dg.AssetExecutionContext, settings: Settings,
                   con: duckdb.DuckDBPyConnection) -> Iterator[Embedder | None]:
    """The embedder of the theme asset: None (in-process) unless ``CLOSEDLOOP_EMBED_WORKERS`` asks for workers.

    With workers, vectors a killed earlier run left in the spools are first moved into the warehouse's
    cache (so they are not embedded again), and the new spools are moved in after a successful run.
    """
    workers = settings.embed_workers
    if workers < 1:
        yield None
        return
    from topics.config import config_from_env
    from topics.embed.workers import WorkerPoolEmbedder, spooled

    config = config_from_env()
    command: tuple[str, ...] = WORKER_COMMAND
    launcher: Callable[[], Launcher] = functools.partial(PipesLauncher, context)
    if (pod_file := settings.embed_k8s_pod) is not None:
        from orchestration.defs.topics.embed_k8s import POD_WORKER_COMMAND, KubernetesLauncher, load_pod_template

        template = load_pod_template(pod_file)
        command = POD_WORKER_COMMAND
        launcher = functools.partial(KubernetesLauncher, context, template)
        context.log.info(f"themes: {workers} embedding worker pod(s) as {pod_file} describes")
    with spooled(con, settings.embed_spool) as recovered:
        if recovered:
            context.log.info(f"themes: {recovered:,} vectors of an interrupted embedding run recovered")
        yield WorkerPoolEmbedder(config.embed, workers, settings.embed_spool, command,
                                 threads=config.threads, batch_size=settings.embed_worker_batch,
                                 launcher=launcher)
