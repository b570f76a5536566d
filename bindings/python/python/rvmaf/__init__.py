"""rvmaf: VMAF and libvmaf's other metrics on numpy arrays and Y4M files, in process.

The numbers are libvmaf's (its scalar C path), bit for bit::

    import rvmaf
    r = rvmaf.score("ref.y4m", "dis.y4m")
    r.pooled["vmaf"]["mean"]      # pooled VMAF
    r.frames["vmaf"]              # per-frame VMAF, a numpy array

Inputs are Y4M paths, uint8/uint16 numpy arrays shaped (frames, height, width) (luma only), or
(Y, U, V) tuples of such arrays (4:2:0, 4:2:2 or 4:4:4 from the shapes). uint16 samples need
``bit_depth=``. Scoring releases the GIL, so threads (and Dask/Ray workers) run in parallel.
"""

from __future__ import annotations

from typing import Any, Sequence

from ._rvmaf import (
    DEFAULT_MODEL,
    LIBVMAF_VERSION,
    Result,
    RvmafError,
    Scorer,
    __version__,
    cambi,
    extractors,
    models,
    score,
)

__all__ = [
    "DEFAULT_MODEL",
    "LIBVMAF_VERSION",
    "Result",
    "RvmafError",
    "Scorer",
    "__version__",
    "cambi",
    "extractors",
    "models",
    "score",
    "score_many",
]


def score_many(reference: Any, distorted: Sequence[Any], **kwargs: Any) -> list[Result]:
    """Scores one reference against several distorted inputs, reading the reference once.

    Same keywords as :func:`score`; returns one :class:`Result` per distorted input, each
    identical to a separate ``score(reference, d, **kwargs)``.
    """
    return score(reference, list(distorted), **kwargs)


def _result_from_state(state: tuple) -> Result:
    """Rebuilds a pickled Result (used by ``Result.__reduce__``)."""
    from ._rvmaf import _result_from_state as rebuild

    return rebuild(state)
