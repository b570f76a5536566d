"""rvmaf's Python API against libvmaf's own JSON output (../shared/reference).

Every per-frame value and every pooled value of the golden is compared, with the project's
bounds (VMAF scores 1e-4, float features 1e-5, integer features 1e-6); model scores must be the
identical doubles (libvmaf's scalar C path is the specification).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import rvmaf
from conftest import config_kwargs, golden, pair_info, paths, read_y4m

# (pair, distortion, configuration): 4:2:0/4:2:2/4:4:4/mono, 8/10/12-bit, odd size; default
# model with every extra feature, bootstrap, 4K, NEG, float and v1.0.16 (model file) models.
CASES = [
    ("dune_pan", "x264_crf35", "vmaf_v0.6.1"),
    ("sky_gradient_10bit", "x265_10bit_crf32", "vmaf_v0.6.1"),
    ("wine_12bit", "x265_12bit_crf32", "vmaf_v0.6.1"),
    ("static_coffee_422", "x264_422_crf23", "vmaf_v0.6.1"),
    ("testsrc2_444", "x264_444_crf35", "vmaf_v0.6.1"),
    ("camera_gray", "x264_gray_crf35", "vmaf_b_v0.6.3"),
    ("mandelbrot_481x271", "vp9_crf50", "vmaf_4k_v0.6.1"),
    ("ladybird_zoom", "vp9_40k", "vmaf_v0.6.1neg"),
    ("grain_dragonfly", "x264_crf35", "vmaf_float_v0.6.1"),
    ("scenecut", "x264_crf35", "vmaf_v1.0.16_3d0h"),
    ("dark_storm_10bit", "svtav1_10bit_crf45", "cambi_full_ref"),
]

INTEGER_PREFIXES = ("integer_", "psnr_", "apsnr", "VMAF_integer")


def is_chroma_feature(k: str) -> bool:
    return (
        k.startswith(("psnr_cb", "psnr_cr", "ciede", "psnr_hvs_c", "speed_chroma", "apsnr_c"))
        or k == "psnr_hvs"
    )


def comparable(pair: str, config: str, key: str, model_keys: list[str]) -> bool:
    """Keys whose golden is meaningful for rvmaf's reading of the pair (see the corpus README:
    odd sizes were scored by libvmaf with floor-cropped chroma, mono as 4:2:0 with flat chroma)."""
    info = pair_info(pair)
    odd = (info["width"] % 2 or info["height"] % 2) and info["chroma"] != "444"
    if odd and (is_chroma_feature(key) or ("v1.0.16" in config and key in model_keys)):
        return False
    if info["chroma"] == "400" and key.startswith(("psnr_cb", "psnr_cr", "apsnr_c")):
        return False
    return True


def bound(key: str, model_keys: list[str]) -> float:
    if key in model_keys:
        return 1e-4
    if key.startswith(INTEGER_PREFIXES):
        return 1e-6
    return 1e-5


def check(result: rvmaf.Result, pair: str, dis: str, config: str) -> None:
    g = golden(pair, dis, config)
    gframes = g["frames"]
    models = result.models
    model_keys = [k for k in result.keys() if any(k == m or k.startswith(m + "_") for m in models)]
    assert list(result.frame_numbers) == [f["frameNum"] for f in gframes]
    frames = result.frames
    compared = 0
    for key in gframes[0]["metrics"]:
        if not comparable(pair, config, key, model_keys):
            continue
        assert key in frames, f"{key} missing; have {sorted(frames)}"
        want = np.array([f["metrics"][key] for f in gframes], dtype=float)
        got = frames[key]
        tol = bound(key, model_keys)
        assert np.allclose(got, want, rtol=0, atol=tol, equal_nan=True), (key, got, want)
        if key in model_keys:
            assert np.array_equal(got, want), (key, got - want)
        compared += 1
        want_pool = g["pooled_metrics"][key]
        got_pool = result.pooled[key]
        for m, v in want_pool.items():
            assert math.isclose(got_pool[m], v, rel_tol=0, abs_tol=tol), (key, m, got_pool[m], v)
            if key in model_keys:
                assert got_pool[m] == v, (key, m, got_pool[m] - v)
    for key, v in g.get("aggregate_metrics", {}).items():
        if comparable(pair, config, key, model_keys):
            assert math.isclose(result.aggregates[key], v, rel_tol=0, abs_tol=1e-6), key
    assert compared >= 1
    if models:
        assert "vmaf" in frames or any(m in frames for m in models)


@pytest.mark.parametrize("pair,dis,config", CASES, ids=["/".join(c) for c in CASES])
def test_path_input_matches_libvmaf(pair, dis, config):
    ref, d = paths(pair, dis)
    result = rvmaf.score(str(ref), d, threads=2, **config_kwargs(pair, dis, config))
    check(result, pair, dis, config)


@pytest.mark.parametrize("pair,dis,config", CASES, ids=["/".join(c) for c in CASES])
def test_numpy_input_matches_libvmaf(pair, dis, config):
    ref_path, dis_path = paths(pair, dis)
    ref, depth = read_y4m(ref_path)
    dist, depth_d = read_y4m(dis_path)
    assert depth == depth_d
    kwargs = config_kwargs(pair, dis, config)
    bit_depth = depth if depth > 8 else None
    result = rvmaf.score(ref, dist, threads=1, bit_depth=bit_depth, **kwargs)
    check(result, pair, dis, config)


def test_default_call_matches_libvmaf_vmaf():
    """rvmaf.score("ref.y4m", "dis.y4m") with nothing else: libvmaf's default model."""
    ref, d = paths("dune_pan", "x264_crf23")
    r = rvmaf.score(ref, d)
    g = golden("dune_pan", "x264_crf23", "vmaf_v0.6.1")
    assert r.models == ["vmaf"]
    assert list(r.frames["vmaf"]) == [f["metrics"]["vmaf"] for f in g["frames"]]
    assert r.pooled["vmaf"] == g["pooled_metrics"]["vmaf"]
    assert r.pool("vmaf", "mean") == g["pooled_metrics"]["vmaf"]["mean"]


def test_to_json_is_libvmafs_schema():
    ref, d = paths("dune_pan", "x264_crf23")
    kwargs = config_kwargs("dune_pan", "x264_crf23", "vmaf_4k_v0.6.1")
    r = rvmaf.score(ref, d, threads=2, **kwargs)
    import json

    ours = json.loads(r.to_json())
    theirs = json.loads((paths("dune_pan", "x264_crf23")[0].parent /
                         "dis_x264_crf23.vmaf_4k_v0.6.1.json").read_text())
    assert ours.keys() == theirs.keys()
    assert ours["version"] == theirs["version"]
    for a, b in zip(ours["frames"], theirs["frames"]):
        assert a["frameNum"] == b["frameNum"]
        assert a["metrics"] == b["metrics"]  # 6 decimals as printed by libvmaf
    assert ours["pooled_metrics"] == theirs["pooled_metrics"]
    exact = json.loads(r.to_json(precision="max"))
    full = golden("dune_pan", "x264_crf23", "vmaf_4k_v0.6.1")
    assert [f["metrics"]["vmaf_4k_v0.6.1"] for f in exact["frames"]] == [
        f["metrics"]["vmaf_4k_v0.6.1"] for f in full["frames"]
    ]


def test_several_models_at_once():
    """A list of models; each is keyed by its name (as with libvmaf's name=)."""
    ref, d = paths("dune_pan", "x264_crf35")
    r = rvmaf.score(ref, d, model=["vmaf_v0.6.1", "vmaf_4k_v0.6.1", "vmaf_v0.6.1neg"])
    assert r.models == ["vmaf_v0.6.1", "vmaf_4k_v0.6.1", "vmaf_v0.6.1neg"]
    v0 = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1")
    v4k = golden("dune_pan", "x264_crf35", "vmaf_4k_v0.6.1")
    neg = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1neg")
    assert list(r["vmaf_v0.6.1"]) == [f["metrics"]["vmaf"] for f in v0["frames"]]
    assert list(r["vmaf_4k_v0.6.1"]) == [f["metrics"]["vmaf_4k_v0.6.1"] for f in v4k["frames"]]
    assert list(r["vmaf_v0.6.1neg"]) == [f["metrics"]["vmaf_v0.6.1neg"] for f in neg["frames"]]


def test_subsample_keeps_every_nth_frame():
    ref, d = paths("dune_pan", "x264_crf35")
    full = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1")
    r = rvmaf.score(ref, d, subsample=2)
    assert list(r.frame_numbers) == [0, 2, 4]
    assert list(r.frames["vmaf"]) == [full["frames"][i]["metrics"]["vmaf"] for i in (0, 2, 4)]
    assert r.frame_count == 5


def test_cambi_single_input_matches_libvmaf():
    """rvmaf.cambi scores the distorted clip alone; libvmaf's 'cambi' feature does the same."""
    pair, dis = "sky_gradient_10bit", "x265_10bit_crf32"
    g = golden(pair, dis, "vmaf_v0.6.1")
    want = [f["metrics"]["cambi"] for f in g["frames"]]
    _, dpath = paths(pair, dis)
    r = rvmaf.cambi(dpath)
    assert list(r.frames["cambi"]) == want
    assert r.pooled["cambi"] == g["pooled_metrics"]["cambi"]
    frames, depth = read_y4m(dpath)
    r2 = rvmaf.cambi(frames[0], bit_depth=depth)
    assert list(r2.frames["cambi"]) == want
    r3 = rvmaf.cambi(frames, bit_depth=depth)
    assert list(r3.frames["cambi"]) == want


def test_cambi_options_are_libvmafs():
    pair, dis = "sky_gradient_10bit", "x265_10bit_crf32"
    ref, dpath = paths(pair, dis)
    via_feature = rvmaf.score(ref, dpath, model=None, features="cambi=topk=0.2:window_size=33")
    r = rvmaf.cambi(dpath, topk=0.2, window_size=33)
    assert r.keys() == via_feature.keys()
    key = r.keys()[0]
    assert key != "cambi"  # libvmaf suffixes non-default options
    assert np.array_equal(r.frames[key], via_feature.frames[key])
    default = rvmaf.cambi(dpath)
    assert not np.array_equal(default.frames["cambi"], r.frames[key])
