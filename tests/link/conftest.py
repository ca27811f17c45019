"""Fixtures for the linking tests: a shared packaged model, a fake embedder, the VLC dataset, dbt."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from topics.link import EmbedderConfig, MiniLMEmbedder

ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = ROOT / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")
VLC_DATASET = Path(os.environ.get("CLOSEDLOOP_FEEDBACK_DATASET", ROOT.parent / "shared/datasets/feedback_to_issues"))


class BagOfWordsEmbedder:
    """Deterministic stand-in for a model: hashed word counts, L2-normalized; counts its calls."""

    model_id = "fake-bag-of-words"
    dim = 256

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture
def fake_embedder() -> BagOfWordsEmbedder:
    """A fresh deterministic embedder that records what it embedded."""
    return BagOfWordsEmbedder()


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The model ``closedloop link`` ships: packaged all-MiniLM-L6-v2, int8, one thread; loaded once."""
    return MiniLMEmbedder(EmbedderConfig(num_threads=1, quantize=True))


@pytest.fixture(scope="session")
def vlc_dataset() -> Path:
    """The real VLC reviews/issues/judgements folder, or a skip saying where it was looked for."""
    if not (VLC_DATASET / "vlc_gold.csv").exists():
        pytest.skip(f"VLC feedback_to_issues dataset not found at {VLC_DATASET} (set CLOSEDLOOP_FEEDBACK_DATASET)")
    return VLC_DATASET


@pytest.fixture(scope="session")
def dbt_build() -> Callable[..., str]:
    """``dbt_build(warehouse, work_dir, *args)`` runs a real ``dbt build`` writing only under ``work_dir``."""

    def build(warehouse: Path, work_dir: Path, *args: str) -> str:
        env = {**os.environ, "CLOSEDLOOP_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
               "DO_NOT_TRACK": "1", "DBT_LOG_PATH": str(work_dir / "dbt-logs"),
               "DBT_TARGET_PATH": str(work_dir / "dbt-target")}
        command = [str(DBT), "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                   "--target-path", str(work_dir / "dbt-target"), *args]
        result = subprocess.run(command, env=env, cwd=work_dir, capture_output=True, text=True, check=False)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail("dbt build failed:\n" + "\n".join(output.splitlines()[-60:]), pytrace=False)
        return output

    return build
