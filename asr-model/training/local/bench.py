"""Speed-table helpers shared by the GPU benchmarks (tools/coda_gpu_bench.py, tools/coda_ort_gpu_bench.py)."""


def speed_row(times, audio_s):
    """{variant}_ms_per_audio_s (median over the timed passes) for every variant, and each CoDA r's speed-up over
    the parallel adapter where both were timed."""
    row = {}
    for name, ts in times.items():
        row[name + "_ms_per_audio_s"] = round(1000 * sorted(ts)[len(ts) // 2] / audio_s, 4)
    for name in ("coda-r2", "coda-r4", "coda-r8"):
        if name in times and "adapter" in times:
            row[name + "_speedup_vs_adapter"] = round(row["adapter_ms_per_audio_s"] / row[name + "_ms_per_audio_s"], 3)
    return row
