"""Streaming, several distorted inputs, threads, pickling and input handling."""

from __future__ import annotations

import json
import pickle
import threading
import time

import numpy as np
import pytest

import rvmaf
from conftest import golden, paths, read_y4m


def same(a: rvmaf.Result, b: rvmaf.Result) -> None:
    """Identical results: every key, frame and pooled value (the fps line aside)."""
    assert a.keys() == b.keys()
    assert list(a.frame_numbers) == list(b.frame_numbers)
    fa, fb = a.frames, b.frames
    for k in fa:
        assert np.array_equal(fa[k], fb[k], equal_nan=True), k
    assert a.pooled == b.pooled
    assert a.aggregates == b.aggregates
    strip = lambda s: [line for line in s.splitlines() if '"fps"' not in line]  # noqa: E731
    assert strip(a.to_json(precision="max")) == strip(b.to_json(precision="max"))


@pytest.fixture(scope="module")
def dune():
    ref, dis = paths("dune_pan", "x264_crf35")
    (ry, ru, rv), _ = read_y4m(ref)
    (dy, du, dv), _ = read_y4m(dis)
    return (ry, ru, rv), (dy, du, dv)


@pytest.fixture(scope="module")
def sky():
    ref, dis = paths("sky_gradient_10bit", "x265_10bit_crf32")
    r, depth = read_y4m(ref)
    d, _ = read_y4m(dis)
    return r, d, depth


def test_models_lists_every_builtin():
    names = rvmaf.models()
    assert names[0] == "vmaf_v0.6.1" == rvmaf.DEFAULT_MODEL
    for n in ("vmaf_b_v0.6.3", "vmaf_4k_v0.6.1", "vmaf_v0.6.1neg", "vmaf_float_v0.6.1",
              "vmaf_v1.0.16_3d0h"):
        assert n in names
    assert "cambi" in rvmaf.extractors() and "psnr" in rvmaf.extractors()


def test_streaming_equals_batch(dune):
    ref, dis = dune
    features = ["psnr", "float_ssim"]
    batch = rvmaf.score(ref, dis, features=features)
    s = rvmaf.Scorer(features=features)
    for i in range(ref[0].shape[0]):
        s.push(tuple(p[i] for p in ref), tuple(p[i] for p in dis))
    assert s.frames == ref[0].shape[0]
    streamed = s.finish()
    same(streamed, batch)
    g = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1")
    assert list(streamed.frames["vmaf"]) == [f["metrics"]["vmaf"] for f in g["frames"]]
    assert streamed.pooled["vmaf"] == g["pooled_metrics"]["vmaf"]


def test_streaming_luma_only_high_bit_depth(sky):
    ref, dis, depth = sky
    batch = rvmaf.score(ref[0], dis[0], bit_depth=depth)
    s = rvmaf.Scorer(bit_depth=depth, threads=2)
    for r, d in zip(ref[0], dis[0]):
        s.push(r, d)
    same(s.finish(), batch)
    # VMAF uses luma only: the (Y, U, V) result equals libvmaf's 4:2:0 golden as well.
    g = golden("sky_gradient_10bit", "x265_10bit_crf32", "vmaf_v0.6.1")
    assert list(batch.frames["vmaf"]) == [f["metrics"]["vmaf"] for f in g["frames"]]


def test_path_and_numpy_inputs_mix(dune):
    ref, _ = dune
    _, dpath = paths("dune_pan", "x264_crf35")
    same(rvmaf.score(ref, dpath), rvmaf.score(paths("dune_pan", "x264_crf35")[0], dpath))


def test_one_reference_many_distorted_equals_separate_calls():
    ref, _ = paths("dune_pan", "x264_crf23")
    dis = [paths("dune_pan", d)[1] for d in ("x264_crf23", "x264_crf35", "x264_crf40")]
    kw = dict(features=["psnr"], threads=2)
    many = rvmaf.score(ref, dis, **kw)
    assert isinstance(many, list) and len(many) == 3
    for d, r in zip(dis, many):
        same(r, rvmaf.score(ref, d, **kw))
    again = rvmaf.score_many(ref, tuple(dis), **kw)
    for a, b in zip(again, many):
        same(a, b)


def test_many_distorted_numpy_with_a_shorter_input(dune):
    ref, dis = dune
    short = tuple(p[:3] for p in dis)
    with pytest.warns(RuntimeWarning, match="ended before"):
        results = rvmaf.score(ref, [dis, short])
    assert list(results[1].frame_numbers) == [0, 1, 2]
    same(results[0], rvmaf.score(ref, dis))
    with pytest.warns(RuntimeWarning):
        alone = rvmaf.score(ref, short)
    same(results[1], alone)


def test_concurrent_scorers_give_identical_numbers(dune, sky):
    ref, dis = dune
    sref, sdis, depth = sky
    expected = {
        "dune": rvmaf.score(ref, dis, threads=1, features=["psnr"]),
        "sky": rvmaf.score(sref, sdis, threads=1, bit_depth=depth, features=["psnr"]),
    }
    out: dict[int, rvmaf.Result] = {}
    errors = []

    def work(i: int) -> None:
        try:
            if i % 2 == 0:
                s = rvmaf.Scorer(features=["psnr"], threads=1)
                for k in range(ref[0].shape[0]):
                    s.push(tuple(p[k] for p in ref), tuple(p[k] for p in dis))
            else:
                s = rvmaf.Scorer(features=["psnr"], threads=1, bit_depth=depth)
                for k in range(sref[0].shape[0]):
                    s.push(tuple(p[k] for p in sref), tuple(p[k] for p in sdis))
            out[i] = s.finish()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, r in out.items():
        same(r, expected["dune" if i % 2 == 0 else "sky"])


def test_gil_is_released_while_scoring():
    """While one thread scores, pure-Python code in another keeps running.

    The main thread counts in a Python loop; a worker measures how far the count advances
    during rvmaf calls (score(), then a Scorer's push/finish), compared with how far it advances
    during a sleep (which certainly releases the GIL). Holding the GIL would stop the count for
    the whole call: at most one 5 ms switch interval of progress against calls of several
    hundred ms.
    """
    ref, dis = paths("dune_pan", "x264_crf35")
    (ry, _, _), _ = read_y4m(ref)
    (dy, _, _), _ = read_y4m(dis)
    kw = dict(threads=1, features=["psnr_hvs", "float_ms_ssim"])
    counter = [0]
    stop = threading.Event()
    measured = {}

    def rate(f):
        c0, t0 = counter[0], time.perf_counter()
        f()
        dt = time.perf_counter() - t0
        return (counter[0] - c0) / dt, dt

    def stream():
        s = rvmaf.Scorer(**kw)
        for r, d in zip(ry, dy):
            s.push(r, d)
        s.finish()

    def worker() -> None:
        try:
            measured["sleep"] = rate(lambda: time.sleep(0.3))
            measured["score"] = rate(lambda: rvmaf.score(ref, dis, **kw))
            measured["scorer"] = rate(stream)
        finally:
            stop.set()

    t = threading.Thread(target=worker)
    t.start()
    while not stop.is_set():
        counter[0] += 1
    t.join()
    sleep_rate = measured["sleep"][0]
    for what in ("score", "scorer"):
        r, seconds = measured[what]
        assert seconds > 0.05, measured
        assert r > 0.25 * sleep_rate, (what, measured)


def test_result_pickles(dune):
    ref, dis = dune
    r = rvmaf.score(ref, dis, model="vmaf_b_v0.6.3", features=["psnr"])
    r2 = pickle.loads(pickle.dumps(r))
    assert isinstance(r2, rvmaf.Result)
    same(r, r2)
    assert r2.models == r.models and r2.frame_count == r.frame_count
    assert (r2.width, r2.height) == (576, 324)
    assert "vmaf_ci_p95_lo" in r2.frames


def test_result_accessors(dune):
    ref, dis = dune
    r = rvmaf.score(ref, dis, features="psnr")
    assert "vmaf" in r and "integer_adm2" in r and "nope" not in r
    assert r.keys() == list(r.frames)
    assert np.array_equal(r["vmaf"], r.frames["vmaf"])
    assert r.pool("vmaf", "p50") == pytest.approx(np.median(r.frames["vmaf"]))
    assert r.pool("vmaf", "min") == r.frames["vmaf"].min()
    with pytest.raises(KeyError):
        r["nope"]
    with pytest.raises(rvmaf.RvmafError):
        r.pool("vmaf", "median")
    assert json.loads(r.to_json())["pooled_metrics"]["vmaf"]["mean"] == pytest.approx(
        r.pooled["vmaf"]["mean"], abs=1e-6)
    assert r.to_xml().startswith("<VMAF version=")
    assert r.to_csv().startswith("Frame,")
    assert "vmaf=" in repr(r)


def test_non_contiguous_and_odd_sizes_read_like_files():
    """Odd 481x271 4:2:0 as a (Y, U, V) tuple (chroma 241x136), passed as strided views."""
    rpath, dpath = paths("mandelbrot_481x271", "gblur_s1.5")
    ref, _ = read_y4m(rpath)
    dis, _ = read_y4m(dpath)
    assert ref[1].shape[1:] == (136, 241)
    kw = dict(features=["psnr", "ciede"])
    from_file = rvmaf.score(rpath, dpath, **kw)
    same(rvmaf.score(ref, dis, **kw), from_file)
    # Non-contiguous views of the same samples: Fortran order, and a crop of a larger array.
    fortran = tuple(np.asfortranarray(p) for p in dis)
    assert not fortran[0][0].flags.c_contiguous
    padded = tuple(np.pad(p, ((0, 0), (3, 5), (7, 2))) for p in ref)
    cropped = tuple(p[:, 3:-5, 7:-2] for p in padded)
    assert not cropped[0].flags.c_contiguous
    same(rvmaf.score(cropped, fortran, **kw), from_file)
    reversed_frames = tuple(p[::-1] for p in ref), tuple(p[::-1] for p in dis)
    back = rvmaf.score(*reversed_frames, model=None, features="psnr")
    assert np.array_equal(back.frames["psnr_y"], from_file.frames["psnr_y"][::-1])


# ----------------------------------------------------------------------------------------------
# Bad inputs raise Python exceptions with rvmaf's message (and never crash the interpreter).

def frames(n=2, h=64, w=64, dtype=np.uint8, value=100):
    return np.full((n, h, w), value, dtype=dtype)


def test_wrong_dtype_raises():
    with pytest.raises(rvmaf.RvmafError, match="dtype float64"):
        rvmaf.score(frames(dtype=np.float64), frames(dtype=np.float64))
    with pytest.raises(rvmaf.RvmafError, match="dtype int16"):
        rvmaf.score(frames(), frames(dtype=np.int16))
    big_endian = frames(dtype=np.dtype(">u2"))
    with pytest.raises(rvmaf.RvmafError, match="dtype"):
        rvmaf.score(big_endian, big_endian, bit_depth=10)


def test_mismatched_shapes_raise():
    with pytest.raises(rvmaf.RvmafError, match="64x64.*but.*64x66|do not match"):
        rvmaf.score(frames(), frames(w=66))
    ref = (frames(), frames(h=32, w=32), frames(h=32, w=32))
    with pytest.raises(rvmaf.RvmafError, match="420.*400|400.*420|do not match"):
        rvmaf.score(ref, frames())
    s = rvmaf.Scorer()
    with pytest.raises(rvmaf.RvmafError):
        s.push(frames()[0], frames(w=66)[0])


def test_wrong_rank_raises():
    with pytest.raises(rvmaf.RvmafError, match="3-D array.*got a 2-D"):
        rvmaf.score(frames()[0], frames()[0])
    with pytest.raises(rvmaf.RvmafError, match="3-D array.*got a 4-D"):
        rvmaf.score(frames()[None], frames()[None])
    with pytest.raises(rvmaf.RvmafError, match="2-D array.*got a 3-D"):
        rvmaf.Scorer().push(frames(), frames())


def test_bad_tuples_raise():
    with pytest.raises(rvmaf.RvmafError, match="three planes"):
        rvmaf.score((frames(), frames()), (frames(), frames()))
    bad_chroma = (frames(), frames(h=20, w=20), frames(h=20, w=20))
    with pytest.raises(rvmaf.RvmafError, match="fit no pixel format"):
        rvmaf.score(bad_chroma, bad_chroma)
    uneven = (frames(), frames(h=32, w=32), frames(h=32, w=64))
    with pytest.raises(rvmaf.RvmafError, match="U is"):
        rvmaf.score(uneven, uneven)
    with pytest.raises(TypeError):
        rvmaf.score((frames(), [1, 2], frames()), frames())


def test_uint16_needs_bit_depth():
    f = frames(dtype=np.uint16)
    with pytest.raises(rvmaf.RvmafError, match="bit_depth"):
        rvmaf.score(f, f)
    with pytest.raises(rvmaf.RvmafError, match="bit_depth"):
        rvmaf.Scorer().push(f[0], f[0])
    with pytest.raises(rvmaf.RvmafError, match="uint16"):
        rvmaf.score(frames(), frames(), bit_depth=10)
    with pytest.raises(rvmaf.RvmafError, match="not in 8..16"):
        rvmaf.score(f, f, bit_depth=17)


def test_values_above_bit_depth_raise():
    ref = frames(dtype=np.uint16, value=512)
    dis = ref.copy()
    dis[1, 5, 7] = 1024
    with pytest.raises(rvmaf.RvmafError, match="frame 1.*1024 exceeds 1023"):
        rvmaf.score(ref, dis, bit_depth=10)
    s = rvmaf.Scorer(bit_depth=10)
    with pytest.raises(rvmaf.RvmafError, match="1024 exceeds 1023"):
        s.push(ref[1], dis[1])
    # 16-bit content may use every uint16 value.
    full = frames(dtype=np.uint16, value=65535, h=64, w=64)
    rvmaf.score(full, full, bit_depth=16, model=None, features="psnr")


def test_y4m_bit_depth_must_agree():
    ref, dis = paths("dune_pan", "x264_crf35")
    with pytest.raises(rvmaf.RvmafError, match="8-bit"):
        rvmaf.score(ref, dis, bit_depth=10)


def test_unknown_model_raises():
    f = frames()
    with pytest.raises(rvmaf.RvmafError, match='unknown built-in model "vmaf_v9"'):
        rvmaf.score(f, f, model="vmaf_v9")
    with pytest.raises(FileNotFoundError):
        rvmaf.score(f, f, model="/nonexistent/model.json")
    with pytest.raises(TypeError):
        rvmaf.score(f, f, model=3)
    with pytest.raises(rvmaf.RvmafError, match="nothing to compute"):
        rvmaf.score(f, f, model=None)


def test_bad_feature_spec_raises():
    f = frames()
    with pytest.raises(rvmaf.RvmafError, match="unknown feature extractor"):
        rvmaf.score(f, f, features=["nonexistent"])
    with pytest.raises(rvmaf.RvmafError, match="psnr"):
        rvmaf.score(f, f, features=["psnr=no_such_option=1"])
    with pytest.raises(rvmaf.RvmafError):
        rvmaf.score(f, f, features="cambi=topk=7")
    with pytest.raises(TypeError):
        rvmaf.score(f, f, features=[1])
    with pytest.raises(rvmaf.RvmafError):
        rvmaf.cambi(f, no_such_option=1)


def test_other_bad_arguments_raise(tmp_path):
    f = frames()
    with pytest.raises(rvmaf.RvmafError, match="subsample"):
        rvmaf.score(f, f, subsample=0)
    with pytest.raises(rvmaf.RvmafError, match="threads"):
        rvmaf.score(f, f, threads=-1)
    with pytest.raises(rvmaf.RvmafError, match="no frames"):
        rvmaf.score(f[:0], f[:0])
    with pytest.raises(rvmaf.RvmafError, match="empty"):
        rvmaf.score(f, [])
    with pytest.raises(FileNotFoundError):
        rvmaf.score(tmp_path / "missing.y4m", f)
    junk = tmp_path / "junk.y4m"
    junk.write_bytes(b"not a y4m file\n")
    with pytest.raises(rvmaf.RvmafError, match="Y4M"):
        rvmaf.score(junk, junk)
    with pytest.raises(TypeError):
        rvmaf.score(3, f)
    with pytest.raises(TypeError):
        rvmaf.score([f], f)


def test_metric_refusals_raise_instead_of_crashing():
    tiny = frames(h=4, w=4)
    with pytest.raises(rvmaf.RvmafError):
        rvmaf.score(tiny, tiny)
    one = frames(h=1, w=1)
    with pytest.raises(rvmaf.RvmafError):
        rvmaf.score(one, one, features=["psnr_hvs", "float_ms_ssim", "ciede"], model=None)
    with pytest.raises(rvmaf.RvmafError):
        rvmaf.cambi(frames(h=16, w=16))
    with pytest.raises(rvmaf.RvmafError, match="full_ref"):
        rvmaf.cambi(frames(h=400, w=400), full_ref=True)


def test_scorer_lifecycle():
    s = rvmaf.Scorer()
    with pytest.raises(rvmaf.RvmafError, match="no frames"):
        s.finish()
    s = rvmaf.Scorer(model=None, features="psnr")
    f = frames()
    s.push(f[0], f[1])
    r = s.finish()
    assert r.frames["psnr_y"][0] == 60.0  # identical frames: libvmaf's 8-bit PSNR cap
    with pytest.raises(rvmaf.RvmafError, match="finish"):
        s.push(f[0], f[1])
    with pytest.raises(rvmaf.RvmafError, match="finish"):
        s.finish()
    s = rvmaf.Scorer(model=None, features="psnr")
    s.push(f[0], f[1])
    with pytest.raises(rvmaf.RvmafError):
        s.push(frames(w=32)[0], frames(w=32)[0])


def test_signals_interrupt_a_long_run():
    """Ctrl-C (here: a SIGALRM handler that raises) stops score() and cambi() between frames
    instead of after the whole run; the handler's exception comes back unchanged."""
    import signal

    class Stop(Exception):
        pass

    def handler(signum, frame):
        raise Stop()

    ref, _ = read_y4m(paths("dune_pan", "x264_crf35")[0])
    # 100000 frames that take no memory (stride 0; copied one at a time): hours of work.
    endless = np.broadcast_to(ref[0][:1], (100_000,) + ref[0].shape[1:])
    old = signal.signal(signal.SIGALRM, handler)
    try:
        for call in (lambda: rvmaf.score(endless, endless, threads=1),
                     lambda: rvmaf.cambi(endless)):
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            t0 = time.perf_counter()
            with pytest.raises(Stop):
                call()
            assert time.perf_counter() - t0 < 20
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
