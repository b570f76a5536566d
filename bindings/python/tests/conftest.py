"""Shared helpers: where the libvmaf corpus is, a tiny Y4M reader, and golden lookup."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

# tests/ -> python/ -> bindings/ -> repository; the corpus lives in ../shared beside it.
REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("RVMAF_SHARED_DIR", REPO.parent / "shared"))
REFERENCE = SHARED / "reference"
MODELS = Path(os.environ.get("RVMAF_MODEL_DIR", SHARED / "models"))


def require_corpus() -> None:
    if not (REFERENCE / "manifest.json").is_file():
        pytest.fail(
            f"libvmaf's reference corpus is missing: {REFERENCE}/manifest.json "
            "(expected ../shared/reference beside the repository, or RVMAF_SHARED_DIR)"
        )


def read_y4m(path: Path):
    """Reads a Y4M file into numpy: ((Y, U, V) or Y, bit_depth), each plane (N, H, W).

    Independent of rvmaf: parses the header tags W, H and C (mono, 420*, 422*, 444*, with a
    pNN depth suffix); chroma sizes round up for odd luma sizes.
    """
    data = Path(path).read_bytes()
    end = data.index(b"\n")
    tags = data[:end].split()
    assert tags[0] == b"YUV4MPEG2", path
    w = h = None
    cs = "420"
    for t in tags[1:]:
        key, val = chr(t[0]), t[1:].decode()
        if key == "W":
            w = int(val)
        elif key == "H":
            h = int(val)
        elif key == "C":
            cs = val
    depth = 8
    if "p" in cs and cs.rsplit("p", 1)[1].isdigit():
        cs, d = cs.rsplit("p", 1)
        depth = int(d)
    if cs.startswith("mono"):
        sub = None
    elif cs.startswith("420"):
        sub = ((w + 1) // 2, (h + 1) // 2)
    elif cs.startswith("422"):
        sub = ((w + 1) // 2, h)
    elif cs.startswith("444"):
        sub = (w, h)
    else:
        raise ValueError(f"{path}: colour space {cs} not handled by the test reader")
    dtype = np.dtype("<u2") if depth > 8 else np.dtype(np.uint8)
    sizes = [(w, h)] + ([sub, sub] if sub else [])
    frame_samples = sum(a * b for a, b in sizes)
    planes = [[] for _ in sizes]
    pos = end + 1
    while pos < len(data):
        nl = data.index(b"\n", pos)
        assert data[pos:nl].startswith(b"FRAME"), path
        pos = nl + 1
        frame = np.frombuffer(data, dtype=dtype, count=frame_samples, offset=pos)
        pos += frame_samples * dtype.itemsize
        off = 0
        for i, (pw, ph) in enumerate(sizes):
            planes[i].append(frame[off : off + pw * ph].reshape(ph, pw))
            off += pw * ph
    stacks = [np.stack(p).astype(dtype.newbyteorder("=")) for p in planes]
    if len(stacks) == 1:
        return stacks[0], depth
    return tuple(stacks), depth


_MANIFEST = None


def manifest() -> dict:
    global _MANIFEST
    if _MANIFEST is None:
        require_corpus()
        _MANIFEST = json.loads((REFERENCE / "manifest.json").read_text())
    return _MANIFEST


def pair_info(pair: str) -> dict:
    return next(p for p in manifest()["pairs"] if p["name"] == pair)


def golden(pair: str, dis: str, config: str) -> dict:
    """libvmaf's full-precision JSON (%.17g doubles) for pair × distortion × configuration."""
    return json.loads((REFERENCE / pair / f"dis_{dis}.{config}.full.json").read_text())


def config_kwargs(pair: str, dis: str, config: str) -> dict:
    """score() keywords equivalent to the libvmaf command line that made the golden."""
    d = next(x for x in pair_info(pair)["distortions"] if x["name"] == dis)
    cmd = d["goldens"][config]["cmd"]
    models, features, no_prediction = [], [], False
    i = 0
    while i < len(cmd):
        if cmd[i] == "-m":
            models.append(cmd[i + 1].replace("{models}", str(MODELS)))
            i += 1
        elif cmd[i] == "--feature":
            features.append(cmd[i + 1])
            i += 1
        elif cmd[i] == "-n":
            no_prediction = True
        i += 1
    if no_prediction or not models:
        models = None
    return {"model": models, "features": features}


def paths(pair: str, dis: str) -> tuple[Path, Path]:
    return REFERENCE / pair / "ref.y4m", REFERENCE / pair / f"dis_{dis}.y4m"
