"""Type stubs of rvmaf (the extension module rvmaf._rvmaf re-exported by the package)."""

import os
from typing import Literal, Sequence, Union, final, overload

import numpy as np
import numpy.typing as npt

__version__: str
LIBVMAF_VERSION: str
DEFAULT_MODEL: str

_Samples = Union[npt.NDArray[np.uint8], npt.NDArray[np.uint16]]
#: A Y4M path, an (N, H, W) uint8/uint16 array (luma only, format 400), or a (Y, U, V) tuple of
#: such arrays whose shapes give 4:2:0, 4:2:2 or 4:4:4 (odd sizes: chroma rounds up).
_Video = Union[str, os.PathLike[str], _Samples, tuple[_Samples, _Samples, _Samples]]
#: One frame: an (H, W) array or a (Y, U, V) tuple of 2-D arrays.
_Frame = Union[_Samples, tuple[_Samples, _Samples, _Samples]]
#: A built-in model name, a libvmaf model string ("version=vmaf_v0.6.1:name=v0"), a path to a
#: model JSON file, a sequence of those, or None for no model (features only).
_ModelArg = Union[str, os.PathLike[str], Sequence[Union[str, os.PathLike[str]]], None]
#: libvmaf feature specs: "psnr", "float_ssim", "cambi=full_ref=true", ...
_FeaturesArg = Union[str, Sequence[str], None]
_Precision = Union[int, Literal["max"], None]

class RvmafError(ValueError):
    """Any rvmaf failure except I/O (those raise OSError subclasses)."""

@final
class Result:
    """The scores of one run (immutable, picklable)."""

    @property
    def frames(self) -> dict[str, npt.NDArray[np.float64]]:
        """Per-frame values keyed like libvmaf's JSON ("vmaf", "integer_adm2", "psnr_y", ...)."""
    @property
    def frame_numbers(self) -> npt.NDArray[np.int64]:
        """_Frame numbers of the values in `frames`."""
    @property
    def pooled(self) -> dict[str, dict[str, float]]:
        """{key: {"min", "max", "mean", "harmonic_mean"}}, libvmaf's pooled_metrics."""
    @property
    def aggregates(self) -> dict[str, float]:
        """libvmaf's aggregate_metrics (e.g. apsnr_y)."""
    @property
    def models(self) -> list[str]:
        """Keys of the model scores."""
    @property
    def frame_count(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def fps(self) -> float | None: ...
    def pool(self, key: str, method: str = "mean") -> float:
        """Pools `key`: "min", "max", "mean", "harmonic_mean" or a percentile "p5", "p99.5"."""
    def to_json(self, precision: _Precision = None) -> str:
        """libvmaf's JSON (6 decimals, or `precision` digits, or "max" for exact doubles)."""
    def to_xml(self, precision: _Precision = None) -> str: ...
    def to_csv(self, precision: _Precision = None) -> str: ...
    def keys(self) -> list[str]: ...
    def __getitem__(self, key: str, /) -> npt.NDArray[np.float64]: ...
    def __contains__(self, key: str, /) -> bool: ...

@final
class Scorer:
    """Streaming scorer: push(reference_frame, distorted_frame) per frame, then finish()."""

    def __new__(
        cls,
        model: _ModelArg = "vmaf_v0.6.1",
        features: _FeaturesArg = (),
        *,
        threads: int = 0,
        subsample: int = 1,
        bit_depth: int | None = None,
    ) -> Scorer: ...
    def push(self, reference: _Frame, distorted: _Frame) -> None: ...
    @property
    def frames(self) -> int: ...
    def finish(self) -> Result: ...

def models() -> list[str]:
    """Names of the built-in models."""

def extractors() -> list[str]:
    """Names of the feature extractors that `features=` accepts."""

@overload
def score(
    reference: _Video,
    distorted: list[_Video],
    *,
    model: _ModelArg = "vmaf_v0.6.1",
    features: _FeaturesArg = (),
    threads: int = 0,
    subsample: int = 1,
    bit_depth: int | None = None,
) -> list[Result]: ...
@overload
def score(
    reference: _Video,
    distorted: _Video,
    *,
    model: _ModelArg = "vmaf_v0.6.1",
    features: _FeaturesArg = (),
    threads: int = 0,
    subsample: int = 1,
    bit_depth: int | None = None,
) -> Result: ...
def score_many(
    reference: _Video,
    distorted: Sequence[_Video],
    *,
    model: _ModelArg = "vmaf_v0.6.1",
    features: _FeaturesArg = (),
    threads: int = 0,
    subsample: int = 1,
    bit_depth: int | None = None,
) -> list[Result]: ...
def cambi(
    frames: _Video,
    *,
    bit_depth: int | None = None,
    **options: Union[str, int, float, bool],
) -> Result: ...

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
