"""Embedding workers as Kubernetes pods under ``dagster_k8s.PipesK8sClient`` (``CLOSEDLOOP_EMBED_K8S_POD``).

The same worker program as the local workers (``python -m orchestration.embed_worker``, reading a
shard and committing batches to a spool) runs in a pod, for example on a GPU node with a larger or
multilingual local sentence-transformers model, while the deployment itself stays on CPUs. The pod
is described by a YAML file (``deploy/k8s/embed-worker-pod.yaml`` is a worked one)::

    namespace: closedloop            # optional; else the run pod's namespace
    metadata: {labels: {...}}        # optional ObjectMeta
    spec:                            # a PodSpec; its first container runs the worker
      containers: [{image: ..., env: [...], resources: ..., volumeMounts: [...]}]
      volumes: [...]

The shards and spools sit in ``$CLOSEDLOOP_HOME/cache/embed-workers``, so the worker pod must mount
the run pod's ``$CLOSEDLOOP_HOME`` volume at the same path (a ``ReadWriteMany`` claim when the pods
run on different nodes). Each worker is one ``PipesK8sClient.run`` (context through environment
variables, messages and log lines read from the pod's log), started in a thread so the workers run
side by side. Pipes with Kubernetes: https://docs.dagster.io/guides/build/external-pipelines/kubernetes-pipeline.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
import yaml

from closedloop.core.errors import ClosedloopError

POD_WORKER_COMMAND = ("python", "-m", "orchestration.embed_worker")
"""The worker program in the pod: the image's own interpreter, not the orchestrator's path."""
WORKER_LABEL = "closedloop.io/embed-worker"
"""Pod label naming the run and worker (``RUN_ID-N``), so a worker can be deleted when it must stop."""


@dataclass(frozen=True)
class PodTemplate:
    """What every worker pod shares: namespace, metadata and pod spec (``CLOSEDLOOP_EMBED_K8S_POD``)."""

    path: Path
    spec: Mapping[str, Any]
    metadata: Mapping[str, Any] = field(default_factory=dict)
    namespace: str | None = None

    def pod_meta(self, run_id: str, index: int) -> dict[str, Any]:
        """The template's metadata with the worker label (``RUN_ID-N``, cut to a label's 63 characters)."""
        labels = {**dict(self.metadata.get("labels") or {}), WORKER_LABEL: f"{run_id[:50]}-{index}"}
        return {**self.metadata, "labels": labels}


def load_pod_template(path: Path) -> PodTemplate:
    """Read a worker pod file (see the module docstring).

    Raises:
        ClosedloopError: The file is missing, is not YAML, or lacks what a worker pod needs (the
            message names the file and the field).
    """
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ClosedloopError(f"{path}: cannot read the embedding worker pod file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ClosedloopError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(loaded, dict):
        raise ClosedloopError(f"{path}: expected a mapping with 'spec' (and optional 'namespace', 'metadata')")
    if unknown := sorted(set(loaded) - {"namespace", "metadata", "spec"}):
        raise ClosedloopError(f"{path}: unknown field(s) {', '.join(unknown)} (expected namespace, metadata, spec)")
    spec, metadata = loaded.get("spec"), loaded.get("metadata") or {}
    if not isinstance(spec, dict) or not isinstance(spec.get("containers"), list) or not spec["containers"]:
        raise ClosedloopError(f"{path}: field spec.containers must list at least the worker's container")
    first = spec["containers"][0]
    if not isinstance(first, dict) or not first.get("image"):
        raise ClosedloopError(f"{path}: field spec.containers[0].image must name the worker's image")
    if not isinstance(metadata, dict):
        raise ClosedloopError(f"{path}: field metadata must be a mapping (ObjectMeta)")
    if spec.get("restartPolicy", spec.get("restart_policy")) == "Always":
        raise ClosedloopError(f"{path}: field spec.restartPolicy cannot be Always (a worker ends)")
    namespace = loaded.get("namespace")
    return PodTemplate(path, spec, metadata, str(namespace) if namespace else None)


class PodClient(Protocol):
    """What the launcher needs of ``dagster_k8s.PipesK8sClient``."""

    def run(self, *, context: Any, extras: Any = None, image: str | None = None, command: Any = None,
            namespace: str | None = None, env: Mapping[str, str] | None = None,
            base_pod_meta: Mapping[str, Any] | None = None,
            base_pod_spec: Mapping[str, Any] | None = None) -> Any:
        """Create the pod, stream its log into the run, wait until it ends (raise when it fails)."""
        ...


class PodWorker:
    """One worker pod, followed in a thread; a :class:`~topics.embed.workers.WorkerProcess`."""

    def __init__(self, run: Any, on_stop: Any) -> None:
        """Start ``run()`` (the blocking ``PipesK8sClient.run``) in a thread; ``on_stop()`` deletes the pod."""
        self.error: BaseException | None = None
        self.result: Any = None
        self._on_stop = on_stop
        self._thread = threading.Thread(target=self._follow, args=(run,), daemon=True)
        self._thread.start()

    def _follow(self, run: Any) -> None:
        try:
            self.result = run()
        except BaseException as exc:  # reported through the exit code and :attr:`error`
            self.error = exc

    def poll(self) -> int | None:
        """None while the pod runs; then 0, or 1 when it failed (:attr:`error` says how)."""
        return None if self._thread.is_alive() else (1 if self.error else 0)

    def wait(self) -> int:
        """Block until the pod has ended; 0, or 1 when it failed."""
        self._thread.join()
        return 1 if self.error else 0

    def kill(self) -> None:
        """Delete the pod (its committed batches stay in its spool) and wait for the thread to notice."""
        self._on_stop()
        self._thread.join(timeout=60)


class KubernetesLauncher:
    """Starts each embedding worker as a pod through Pipes; collects their custom messages.

    Args:
        context: The theme asset's execution context (pod logs and Pipes messages go to its run).
        template: The worker pod's namespace, metadata and spec.
        client: ``PipesK8sClient()`` by default (in-cluster configuration inside a pod, else kubeconfig).
    """

    def __init__(self, context: dg.AssetExecutionContext | dg.OpExecutionContext, template: PodTemplate,
                 client: PodClient | None = None) -> None:
        self._context = context
        self._template = template
        self._client = client or _pipes_k8s_client()
        self._workers: list[tuple[int, PodWorker]] = []
        self.messages: list[Any] = []

    def start(self, index: int, argv: list[str]) -> PodWorker:
        """Start worker ``index``'s pod with ``argv`` as its first container's command."""
        meta = self._template.pod_meta(self._context.run.run_id, index)

        def run() -> Any:
            return self._client.run(context=self._context, extras={"worker": index}, command=argv,
                                    namespace=self._template.namespace, base_pod_meta=meta,
                                    base_pod_spec=self._template.spec)

        worker = PodWorker(run, lambda: self._delete(meta))
        self._workers.append((index, worker))
        return worker

    def _delete(self, meta: Mapping[str, Any]) -> None:
        from dagster_k8s.client import DagsterKubernetesClient
        from dagster_k8s.utils import detect_current_namespace

        namespace = self._template.namespace or detect_current_namespace(None) or "default"  # as the client's
        selector = f"{WORKER_LABEL}={meta['labels'][WORKER_LABEL]}"
        try:
            DagsterKubernetesClient.production_client().core_api.delete_collection_namespaced_pod(
                namespace, label_selector=selector)
        except Exception as exc:  # the run is failing already; say so rather than hide its cause
            self._context.log.warning(f"could not delete embedding worker pod(s) {selector} in {namespace}: {exc}")

    def close(self) -> None:
        """Log each failed pod's error and keep the custom messages of those that ended well."""
        for index, worker in self._workers:
            if worker.error is not None:
                self._context.log.error(f"embedding worker {index} pod failed: {worker.error}")
            elif worker.result is not None:
                self.messages.extend(worker.result.get_custom_messages())


def _pipes_k8s_client() -> PodClient:
    from dagster_k8s import PipesK8sClient

    client: PodClient = PipesK8sClient()
    return client
