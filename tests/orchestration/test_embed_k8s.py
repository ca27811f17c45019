"""Embedding workers as Kubernetes pods (``CLOSEDLOOP_EMBED_K8S_POD``) through ``dagster_k8s.PipesK8sClient``.

No Kubernetes cluster runs here, so ``PipesK8sClient.run`` (create the pod, stream its log, wait) is
replaced by a stand-in that does what the pod would: it opens the same Pipes session, builds the pod
with dagster-k8s's own ``build_pod_body`` from the worker pod file, and runs the pod's first
container (its command and its environment) as a local process, where the image's ``python`` is
this interpreter; the Kubernetes API call that deletes a worker's pod is recorded, not sent.
Everything else is real: the theme asset, the worker program, the packaged model.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import dagster as dg
import duckdb
import numpy as np
import pytest
import yaml
from dagster_k8s.client import DagsterK8sError
from dagster_k8s.pipes import build_pod_body

from closedloop.core.errors import ClosedloopError
from closedloop.core.settings import load_settings
from orchestration.defs.topics import embed_k8s
from orchestration.defs.topics.embed_k8s import POD_WORKER_COMMAND, WORKER_LABEL, KubernetesLauncher, load_pod_template
from orchestration.embed_worker import worker_config
from orchestration.resources import ClosedloopResource
from topics.config import EmbedConfig, config_from_env
from topics.embed import make_embedder, text_hash
from topics.embed.base import default_model_id
from topics.embed.workers import worker_argv
from topics.text import ticket_text

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SUBJECTS = ("withdrawal stuck for {n} hours, where is my money", "KYC verification rejected, passport {n}",
            "the app crashes when I open the wallet, version {n}")
TEXTS = [s.format(n=100 + k) for s in SUBJECTS for k in range(12)]


def _helm_home() -> tuple[str, str]:
    """``$CLOSEDLOOP_HOME`` and the claim holding it in the Helm values of the code location."""
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8"))
    location = values["dagster-user-deployments"]["deployments"][0]
    home = next(e["value"] for e in location["env"] if e["name"] == "CLOSEDLOOP_HOME")
    mount = next(m for m in location["volumeMounts"] if m["mountPath"] == home)
    claim = next(v for v in location["volumes"] if v["name"] == mount["name"])
    return home, claim["persistentVolumeClaim"]["claimName"]


def test_the_worker_pod_of_the_deploy_file_runs_the_worker_on_a_gpu_with_the_run_pods_home_volume():
    template = load_pod_template(DEPLOY / "k8s" / "embed-worker-pod.yaml")
    home, claim = _helm_home()
    spool_dir = Path(home) / "cache" / "embed-workers"  # Settings.embed_spool under the pod's home
    argv = worker_argv(POD_WORKER_COMMAND, spool_dir / "shard-1.parquet", spool_dir / "spool-1.duckdb",
                       EmbedConfig(), threads=2, batch_size=256)
    pipes_env = {"DAGSTER_PIPES_CONTEXT": "ctx", "DAGSTER_PIPES_MESSAGES": "msgs"}
    pod = build_pod_body(pod_name="dagster-run-topics-1", image=None, command=argv, env_vars=pipes_env,
                         base_pod_meta=template.pod_meta("0f3c2a9e-run", 1), base_pod_spec=template.spec)
    container = pod.spec.containers[0]
    assert container.command == argv
    assert container.image == template.spec["containers"][0]["image"]
    assert pod.spec.restart_policy == "Never"
    assert container.resources.limits["nvidia.com/gpu"] == "1"
    env = {e.name: e.value for e in container.env}
    assert env["CLOSEDLOOP_EMBED_DEVICE"] == "cuda"
    assert env["CLOSEDLOOP_HOME"] == home
    assert {k: env[k] for k in pipes_env} == pipes_env  # the Pipes session reaches the worker
    # The shard and spool paths in the command lie on the volume the run pod writes them to.
    mounts = {m.mount_path: m.name for m in container.volume_mounts}
    volume = next(v for v in pod.spec.volumes if v.name == mounts[home])
    assert volume.persistent_volume_claim.claim_name == claim
    assert all(Path(p).is_relative_to(home) for p in (argv[argv.index("--shard") + 1], argv[argv.index("--spool") + 1]))
    assert pod.metadata.labels[WORKER_LABEL] == "0f3c2a9e-run-1"
    assert pod.metadata.labels["app.kubernetes.io/component"] == "embed-worker"
    assert template.namespace == "closedloop"


@pytest.mark.parametrize(("text", "field"), [
    (None, "cannot read"),
    ("spec: [", "not valid YAML"),
    ("spec:\n  containers: []\n", "spec.containers"),
    ("spec:\n  containers:\n    - name: worker\n", "spec.containers[0].image"),
    ("spec:\n  restartPolicy: Always\n  containers:\n    - image: x\n", "spec.restartPolicy"),
    ("image: x\nspec:\n  containers:\n    - image: x\n", "unknown field(s) image"),
])
def test_a_worker_pod_file_that_cannot_start_a_worker_is_refused_naming_file_and_field(
        tmp_path: Path, text: str | None, field: str):
    path = tmp_path / "pod.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ClosedloopError, match=r"pod\.yaml") as caught:
        load_pod_template(path)
    assert field in str(caught.value)


class LocalPodClient:
    """Stand-in for ``PipesK8sClient`` (no cluster here): the pod's first container runs as a local process."""

    def __init__(self, fail_worker: int | None = None) -> None:
        self.pods: list[Any] = []
        self.fail_worker = fail_worker

    def run(self, *, context: Any, extras: Any = None, image: str | None = None, command: Any = None,
            namespace: str | None = None, env: Any = None, base_pod_meta: Any = None,
            base_pod_spec: Any = None) -> dg.PipesClientCompletedInvocation:
        with dg.open_pipes_session(context=context, extras=extras, context_injector=dg.PipesTempFileContextInjector(),
                                   message_reader=dg.PipesTempFileMessageReader()) as session:
            pod = build_pod_body(pod_name=f"worker-{extras['worker']}", image=image, command=command,
                                 env_vars=session.get_bootstrap_env_vars(), base_pod_meta=base_pod_meta,
                                 base_pod_spec=base_pod_spec)
            self.pods.append(pod)
            if extras["worker"] == self.fail_worker:
                raise DagsterK8sError("pod was evicted: the node was low on memory")
            container = pod.spec.containers[0]
            assert container.command[:3] == list(POD_WORKER_COMMAND)
            pod_env = {e.name: e.value for e in container.env}
            done = subprocess.run([sys.executable, *container.command[1:]], env={**os.environ, **pod_env},
                                  stdout=subprocess.DEVNULL, check=False)
            if done.returncode:
                raise DagsterK8sError(f"pod ended with exit code {done.returncode}")
        return dg.PipesClientCompletedInvocation(session)


def _pod_file(tmp_path: Path) -> Path:
    """The deploy file's pod, its volume mounted at this test's home and on CPU (no GPU here)."""
    pod = yaml.safe_load((DEPLOY / "k8s" / "embed-worker-pod.yaml").read_text(encoding="utf-8"))
    container = pod["spec"]["containers"][0]
    home = str(load_settings().home)
    container["env"] = [{"name": "CLOSEDLOOP_HOME", "value": home}, {"name": "CLOSEDLOOP_EMBED_DEVICE", "value": "cpu"}]
    container["volumeMounts"][0]["mountPath"] = home
    path = tmp_path / "embed-worker-pod.yaml"
    path.write_text(yaml.safe_dump(pod), encoding="utf-8")
    return path


def test_the_theme_asset_embeds_in_worker_pods_and_a_failed_pod_leaves_only_its_shard_for_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ticket_warehouse: Callable[[Sequence[str]], Path],
        materialize_themes: Callable[..., tuple[dg.ExecuteInProcessResult, list[str]]]):
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKERS", "2")
    monkeypatch.setenv("CLOSEDLOOP_EMBED_WORKER_BATCH", "8")
    monkeypatch.setenv("CLOSEDLOOP_EMBED_K8S_POD", str(_pod_file(tmp_path)))
    warehouse = ticket_warehouse(TEXTS)
    resource = ClosedloopResource(warehouse=str(warehouse), data_dir=str(tmp_path))
    evicted = LocalPodClient(fail_worker=1)
    monkeypatch.setattr(embed_k8s, "_pipes_k8s_client", lambda: evicted)
    with dg.DagsterInstance.ephemeral() as instance:
        failed, lines = materialize_themes(instance, resource)
        assert not failed.success
        message = failed.get_step_failure_events()[0].step_failure_data.error.to_string()
        assert "worker 1 ended with exit code 1 with 18 of 18 texts left" in message, message
        assert any("embedding worker 1 pod failed: pod was evicted" in line for line in lines)
        assert {p.metadata.labels[WORKER_LABEL] for p in evicted.pods} == {f"{failed.run_id}-0", f"{failed.run_id}-1"}

        healthy = LocalPodClient()
        monkeypatch.setattr(embed_k8s, "_pipes_k8s_client", lambda: healthy)
        second, lines = materialize_themes(instance, resource)
        assert second.success
    metadata = next(m.materialization.metadata for m in second.get_asset_materialization_events()
                    if m.asset_key == dg.AssetKey("topics_ticket_themes"))
    assert "themes: 18 vectors of an interrupted embedding run recovered" in lines  # worker 0's pod finished
    assert metadata["embedded"].value == 18  # only the failed pod's shard, in the next run
    assert any("embedding worker 0 (pid" in line and "committed" in line for line in lines)  # pod log in the run
    docs = [ticket_text(t, None) for t in TEXTS]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = dict(con.execute("select text_hash, vector from topics.embedding_cache").fetchall())
    cached = np.array([rows[text_hash(d)] for d in docs], dtype=np.float32)
    expected = make_embedder(config_from_env().embed, threads=1).embed(docs)
    cosines = np.sum(cached * expected, axis=1) / (np.linalg.norm(cached, axis=1) * np.linalg.norm(expected, axis=1))
    assert cosines.min() >= 0.9999


def test_a_worker_pod_embeds_with_the_orchestrators_model_settings_on_its_own_device():
    settings = json.dumps(dataclasses.asdict(EmbedConfig(pooling="model", max_seq_length=256)))
    on_gpu = worker_config(settings, {"CLOSEDLOOP_EMBED_DEVICE": "cuda"})
    assert on_gpu.device == "cuda"
    assert (on_gpu.pooling, on_gpu.max_seq_length) == ("model", 256)
    # Same cache key as the orchestrator's vectors: a GPU worker's vectors are found by CPU runs.
    assert default_model_id(on_gpu) == default_model_id(EmbedConfig(pooling="model", max_seq_length=256))
    assert worker_config(settings, {}).device == "cpu"


class _Deletes:
    """Records ``delete_collection_namespaced_pod`` calls (the Kubernetes API, not reachable here)."""

    def __init__(self, release: threading.Event, fail: bool) -> None:
        self.calls: list[tuple[str, str]] = []
        self.core_api = self
        self._release, self._fail = release, fail

    def delete_collection_namespaced_pod(self, namespace: str, label_selector: str) -> None:
        self.calls.append((namespace, label_selector))
        self._release.set()  # the pod is gone: its PipesK8sClient.run returns with an error
        if self._fail:
            raise RuntimeError("forbidden: cannot delete pods")


@pytest.mark.parametrize("delete_fails", [False, True])
def test_a_worker_pod_that_must_stop_is_deleted_by_its_label(monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture, delete_fails: bool):
    from dagster_k8s.client import DagsterKubernetesClient

    release = threading.Event()
    api = _Deletes(release, delete_fails)
    monkeypatch.setattr(DagsterKubernetesClient, "production_client", staticmethod(lambda: api))

    class Running:
        def run(self, **_: Any) -> None:
            release.wait(30)
            raise DagsterK8sError("pod deleted")

    context = SimpleNamespace(run=SimpleNamespace(run_id="9d1f-run"), log=logging.getLogger("run"))
    launcher = KubernetesLauncher(cast(Any, context), load_pod_template(DEPLOY / "k8s" / "embed-worker-pod.yaml"),
                                  client=Running())
    worker = launcher.start(3, [*POD_WORKER_COMMAND, "--shard", "s", "--spool", "p"])
    assert worker.poll() is None
    with caplog.at_level(logging.WARNING, logger="run"):
        worker.kill()
    assert api.calls == [("closedloop", f"{WORKER_LABEL}=9d1f-run-3")]
    assert worker.poll() == 1  # a stopped pod counts as a failed worker
    warned = [r.getMessage() for r in caplog.records if "could not delete" in r.getMessage()]
    assert warned == ([f"could not delete embedding worker pod(s) {WORKER_LABEL}=9d1f-run-3 in closedloop: "
                       "forbidden: cannot delete pods"] if delete_fails else [])
