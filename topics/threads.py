"""One knob for every thread pool the topic pipeline touches (torch, BLAS/OpenMP, numba)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def limit_threads(threads: int) -> Iterator[None]:
    """Run the enclosed block with at most ``threads`` threads in torch, BLAS/OpenMP and numba.

    The machine is shared with other work, so the pipeline never takes every core by default.
    Previous settings are restored on exit.

    Args:
        threads: Threads to allow (at least 1).
    """
    threads = max(1, int(threads))
    with contextlib.ExitStack() as stack:
        try:
            from threadpoolctl import threadpool_limits

            stack.enter_context(threadpool_limits(limits=threads))
        except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
            pass
        try:
            import torch

            previous_torch = torch.get_num_threads()
            torch.set_num_threads(threads)
            stack.callback(torch.set_num_threads, previous_torch)
        except ImportError:  # pragma: no cover - torch is a dependency
            pass
        try:
            import numba

            previous_numba = numba.get_num_threads()
            numba.set_num_threads(min(threads, int(numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]
            stack.callback(numba.set_num_threads, previous_numba)
        except ImportError:  # pragma: no cover - numba comes with umap-learn
            pass
        yield
