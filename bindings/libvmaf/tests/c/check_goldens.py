#!/usr/bin/env python3
"""Compares what a C client of libvmaf.so.3 got with libvmaf's goldens.

usage: check_goldens.py API.tsv OUT.json GOLDEN.full.json [GOLDEN2.full.json ...]
                        [--prefix N] [--luma-only]

- API.tsv: the values the client read through the API (%.17g), compared exactly with the
  golden's full-precision JSON (<config>.full.json).
- OUT.json: the client's vmaf_write_output file (6 decimals), compared value for value with
  the golden libvmaf printed (<config>.json): every per-frame score, pooled value and
  aggregate of the golden must be present and equal (fps and key order excepted).
- --prefix N: the client read only the first N frames of the golden's clip: frames 0..N-1
  are compared, except the values that depend on frame N (motion2/motion3 and the model
  scores of frame N-1), and nothing pooled.
- --luma-only: only luma-derived values are compared (odd sizes, luma-only input).
- --only P1,P2,...: only keys starting with one of these prefixes are compared (a golden made
  with more features than the client registered).
"""
import json
import sys

ALIAS = {
    "VMAF_integer_feature_adm2_score": "integer_adm2",
    "VMAF_integer_feature_vif_scale0_score": "integer_vif_scale0",
    "VMAF_integer_feature_vif_scale1_score": "integer_vif_scale1",
    "VMAF_integer_feature_vif_scale2_score": "integer_vif_scale2",
    "VMAF_integer_feature_vif_scale3_score": "integer_vif_scale3",
    "VMAF_integer_feature_motion2_score": "integer_motion2",
    "VMAF_integer_feature_motion3_score": "integer_motion3",
    "Cambi_feature_cambi_score": "cambi",
}
CHROMA = ("psnr_cb", "psnr_cr", "ciede2000", "psnr_hvs_cb", "psnr_hvs_cr", "psnr_hvs",
          "float_ssim_cb", "speed_chroma")


def main():
    args = sys.argv[1:]
    prefix = None
    luma_only = False
    if "--prefix" in args:
        i = args.index("--prefix")
        prefix = int(args[i + 1])
        del args[i:i + 2]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = tuple(args[i + 1].split(","))
        del args[i:i + 2]
    if "--luma-only" in args:
        args.remove("--luma-only")
        luma_only = True
    api_path, out_path, goldens = args[0], args[1], args[2:]
    out = json.load(open(out_path))
    out_frames = {f["frameNum"]: f["metrics"] for f in out["frames"]}
    api = {}
    for line in open(api_path):
        kind, name, idx, val = line.rstrip("\n").split("\t")
        api[(kind, ALIAS.get(name, name), idx)] = float(val)

    errors = []
    compared = 0
    api_compared = 0

    def skip(key, frame=None, models=()):
        if luma_only and key.startswith(CHROMA):
            return True
        if only is not None and not key.startswith(only):
            return True
        if prefix is not None and frame == prefix - 1:
            return key.startswith(("integer_motion", "motion")) or key in models or \
                any(key.startswith(m + "_") for m in models)
        return False

    for gpath in goldens:
        full = json.load(open(gpath))
        printed = json.load(open(gpath.replace(".full.json", ".json")))
        models = [k for k in full["pooled_metrics"] if k.startswith("vmaf")]
        n = len(full["frames"]) if prefix is None else prefix
        if prefix is None and len(out_frames) != n:
            errors.append(f"{out_path}: {len(out_frames)} frames, golden has {n}")
        for gf, pf in zip(full["frames"][:n], printed["frames"][:n]):
            i = gf["frameNum"]
            ours = out_frames.get(i, {})
            for key, want in gf["metrics"].items():
                if skip(key, i, models):
                    continue
                compared += 1
                if ours.get(key) != pf["metrics"][key]:
                    errors.append(f"frame {i} {key}: output {ours.get(key)}, libvmaf {pf['metrics'][key]}")
                for kind in ("feature", "model"):
                    got = api.get((kind, key, str(i)))
                    if got is not None:
                        api_compared += 1
                        if got != want:
                            errors.append(f"frame {i} {key}: API {got!r}, libvmaf {want!r}")
        if prefix is None:
            for key, methods in full["pooled_metrics"].items():
                if skip(key):
                    continue
                for m, want in methods.items():
                    compared += 1
                    got = out["pooled_metrics"].get(key, {}).get(m)
                    if got != printed["pooled_metrics"][key][m]:
                        errors.append(f"pooled {key} {m}: output {got}, libvmaf {printed['pooled_metrics'][key][m]}")
                    a = api.get((f"pooled_{m}", key, "-"))
                    if a is not None:
                        api_compared += 1
                        if a != want:
                            errors.append(f"pooled {key} {m}: API {a!r}, libvmaf {want!r}")
            for key, want in printed.get("aggregate_metrics", {}).items():
                if (luma_only and key.startswith(("apsnr_cb", "apsnr_cr"))) or \
                        (only is not None and not key.startswith(only)):
                    continue
                compared += 1
                if out["aggregate_metrics"].get(key) != want:
                    errors.append(f"aggregate {key}: {out['aggregate_metrics'].get(key)} vs {want}")
    for e in errors[:40]:
        print("MISMATCH", e)
    status = "FAIL" if errors or compared == 0 else "ok"
    print(f"{status}: {out_path}: {compared} golden values compared "
          f"(+{api_compared} read through the API), {len(errors)} mismatches")
    return 1 if errors or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
