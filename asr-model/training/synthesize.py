#!/usr/bin/env python3
"""Labelled synthetic speech from the public-domain sentences (../shared/data/text/sentences.txt).

Per utterance (all choices drawn from an RNG seeded with (--seed, utterance index), so a given index always gives
the same audio, whatever --jobs is and however often the run was resumed):
  * a sentence (4..--max-words words; exact matches of dev transcripts are excluded),
  * a synthesizer, voice and variant: espeak-ng (English accents x voice variants +m1..m8, +f1..f5, +klatt..,
    named variants), flite (kal, kal16, awb, rms, slt) and festival (its installed English voices), as found;
    with --synths also RHVoice (alan, bdl, clb, slt; LGPL) and SVOX Pico (en-US, en-GB), Debian contrib/non-free,
  * speaking rate and pitch (espeak-ng: -s/-p; RHVoice: -r; flite/festival/RHVoice/Pico: sox `pitch`),
  * augmentation with sox: tempo or speed perturbation (0.9-1.1), random leading/trailing silence, simulated room
    reverberation (`reverb`, random reverberance/HF damping/room scale/pre-delay) for --reverb-prob of the utterances;
    then additive white/pink/brown noise at a random SNR (--snr) for --noise-prob of them, and a random peak level.
Output: 16 kHz mono 16-bit FLAC (or Opus / WAV) in the LibriSpeech layout read by `prepare_data.py --synthetic`:
  OUT/<synth>-<voice>/<variant>/<synth>-<voice>-<variant>-<index>.flac  +  <synth>-<voice>-<variant>.trans.txt
plus OUT/manifest.jsonl (one line per utterance: parameters, duration, status) and OUT/summary.json (counts and
hours per synthesizer/voice, failures by reason, tools used, seconds of wall time per hour of audio).

Generation stops once --hours of audio exist; existing utterances are kept (resumable). Failures (empty or silent
synthesis, too long, a tool's error) are counted in the summary, printed with the reason, and skipped.

Tools come from PATH, or only from --tools-root DIR where Debian packages were unpacked with `dpkg -x pkg.deb DIR`
(see tools/fetch_synth_debs.sh): DIR/usr/bin, libraries under DIR/{usr/,}lib/** (LD_LIBRARY_PATH), espeak-ng-data
(ESPEAK_DATA_PATH). Noise is generated with numpy from the per-utterance RNG rather than `sox synth`, whose
noise generators are not seedable per call (`sox -R` would give every utterance the same noise).
"""
import argparse
import glob
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter, defaultdict

import numpy as np

from local.paths import RECIPE_DIR, REPO
from local.sentences import load_sentences

DEFAULT_TEXT = os.path.join(REPO, "..", "shared", "data", "text", "sentences.txt")
DEFAULT_DEV = os.path.join(REPO, "..", "shared", "data", "librispeech", "LibriSpeech", "test-other")
SR = 16000

ESPEAK_ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029",
                  "en-us-nyc"]
# Human-sounding variants only (no robots, whisper, croak, Demonic); intersected with what espeak-ng-data holds.
ESPEAK_VARIANTS = ["", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "f1", "f2", "f3", "f4", "f5",
                   "klatt", "klatt2", "klatt3", "klatt4", "Alex", "Andy", "Annie", "adam", "announcer", "aunty",
                   "belinda", "benjamin", "caleb", "david", "ed", "edward", "grandma", "grandpa", "john", "linda",
                   "max", "Michael", "Mike", "norbert", "paul", "quincy", "rob", "robert", "steph", "travis", "victor", "zac"]
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]  # awb_time only says the time
# Debian contrib/non-free voices: RHVoice's LGPL English voices (its other English voices are CC BY-NC-ND: left out)
# and SVOX Pico's two English languages
RHVOICE_VOICES = ["alan", "bdl", "clb", "slt"]
RHVOICE_DIR = "/usr/share/RHVoice/voices"
PICO_VOICES = ["en-US", "en-GB"]
SYNTH_WEIGHTS = {"espeak": 0.5, "flite": 0.3, "festival": 0.2, "rhvoice": 0.3, "pico": 0.2}


# ---------------------------------------------------------------- tools
def _lib_dirs(root):
    dirs = set()
    for pat in ("lib", "usr/lib"):
        base = os.path.join(root, pat)
        for dirpath, _, files in os.walk(base):
            if any(".so" in f for f in files):
                dirs.add(dirpath)
    return sorted(dirs)


def discover_tools(tools_root=""):
    """Paths of espeak-ng, flite, text2wave, sox (+ opusenc) and the environment to run them with."""
    env = dict(os.environ)
    tools = {}
    names = {"espeak": "espeak-ng", "flite": "flite", "festival": "text2wave", "sox": "sox", "opusenc": "opusenc",
             "flac": "flac", "rhvoice": "RHVoice-test", "pico": "pico2wave"}
    if tools_root:
        root = os.path.abspath(tools_root)
        if not os.path.isdir(root):
            sys.exit(f"--tools-root {root}: folder missing (unpack the .debs there with dpkg -x, fetch_synth_debs.sh)")
        for key, exe in names.items():
            p = os.path.join(root, "usr", "bin", exe)
            if os.access(p, os.X_OK) and key != "festival":  # text2wave hard-codes /usr/bin/festival
                tools[key] = p
        libs = _lib_dirs(root)
        env["LD_LIBRARY_PATH"] = ":".join(libs + [p for p in env.get("LD_LIBRARY_PATH", "").split(":") if p])
        data = glob.glob(os.path.join(root, "usr", "lib", "*", "espeak-ng-data")) + \
            glob.glob(os.path.join(root, "usr", "share", "espeak-ng-data"))
        if data:
            env["ESPEAK_DATA_PATH"] = os.path.dirname(data[0])
        env["PATH"] = os.path.join(root, "usr", "bin") + ":" + env.get("PATH", "")
    else:
        for key, exe in names.items():
            p = shutil.which(exe)
            if p:
                tools[key] = p
    if "sox" not in tools:
        sys.exit("sox not found (apt-get install sox libsox-fmt-all, or --tools-root with unpacked sox .debs)")
    return tools, env


def flac_encoder(tools, env, prefer_cli):
    """'flac' (the CLI) with --tools-root, else 'sox' if this sox can write FLAC, else 'flac'. sox loads its FLAC format from a compiled-in
    plugin folder (/usr/lib/x86_64-linux-gnu/sox), which an unpacked --tools-root sox cannot see."""
    if prefer_cli and "flac" in tools:
        return "flac"
    with tempfile.TemporaryDirectory() as td:
        rc, _, _ = _out([tools["sox"], "-n", "-r", str(SR), "-c", "1", "-b", "16", os.path.join(td, "t.flac"),
                         "trim", "0", "0.1"], env)
    if rc == 0:
        return "sox"
    return "flac" if "flac" in tools else None


def _out(cmd, env, timeout=60):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def espeak_data_dir(tools, env):
    rc, out, err = _out([tools["espeak"], "--version"], env)
    if rc != 0:
        return None
    # "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"
    return out.split("Data at:")[-1].strip() if "Data at:" in out else None


def voice_inventory(tools, env):
    """{synth: [(voice, variant), ...]} for what actually runs here (each voice is tried once)."""
    inv = {}
    if "espeak" in tools:
        data = espeak_data_dir(tools, env)
        have = set(os.listdir(os.path.join(data, "voices", "!v"))) if data and os.path.isdir(
            os.path.join(data, "voices", "!v")) else set()
        variants = [v for v in ESPEAK_VARIANTS if v == "" or v in have]
        accents = [a for a in ESPEAK_ACCENTS if _try_espeak(tools, env, a)]
        inv["espeak"] = [(a, v) for a in accents for v in variants]
    if "flite" in tools:
        rc, out, err = _out([tools["flite"], "-lv"], env)
        listed = (out + err).replace("Voices available:", "").split()
        inv["flite"] = [(v, "") for v in FLITE_VOICES if v in listed]
    if "festival" in tools:
        voices = []
        for d in sorted(glob.glob("/usr/share/festival/voices/*/*")):
            name = os.path.basename(d)
            if os.path.isdir(d) and not any(name.startswith(p) for p in ("el_", "hi_", "mr_", "te_", "it_")):
                voices.append((name, ""))
        inv["festival"] = voices
    if "rhvoice" in tools:
        inv["rhvoice"] = [(v, "") for v in RHVOICE_VOICES if os.path.isdir(os.path.join(RHVOICE_DIR, v))]
    if "pico" in tools:
        inv["pico"] = [(v, "") for v in PICO_VOICES]
    return {k: v for k, v in inv.items() if v}


def _try_espeak(tools, env, accent):
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, "t.wav")
        rc, _, _ = _out([tools["espeak"], "-v", accent, "-w", p, "test"], env)
        return rc == 0 and os.path.exists(p) and os.path.getsize(p) > 1000


# ---------------------------------------------------------------- text
# ---------------------------------------------------------------- audio helpers
def read_wav(path):
    with wave.open(path) as w:
        sr, ch, sw, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        raw = w.readframes(n)
    if sw != 2:
        raise RuntimeError(f"{path}: expected 16-bit PCM, got {8 * sw}-bit")
    a = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if ch > 1:
        a = a.reshape(-1, ch).mean(axis=1)
    return a, sr


def write_wav(path, a):
    pcm = np.clip(np.round(a * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def colored_noise(rng, n, color):
    """Unit-RMS white / pink (1/f power) / brown (1/f^2 power) noise, shaped in the frequency domain."""
    white = rng.standard_normal(n)
    if color != "white":
        spec = np.fft.rfft(white)
        f = np.fft.rfftfreq(n, 1.0 / SR)
        f[0] = f[1] if n > 1 else 1.0
        f = np.maximum(f, 20.0)  # keep brown noise from being all sub-audio rumble
        spec /= np.sqrt(f) if color == "pink" else f
        white = np.fft.irfft(spec, n)
    return (white / (np.sqrt(np.mean(white ** 2)) + 1e-12)).astype(np.float32)


def active_power(a, frame=320):
    """Mean power of the frames within 30 dB of the loudest one (speech, not the padding)."""
    n = len(a) // frame
    if n == 0:
        return float(np.mean(a ** 2))
    p = (a[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    return float(p[p >= p.max() * 1e-3].mean())


# ---------------------------------------------------------------- one utterance
def plan(index, seed, n_sentences, inventory, args):
    """All random choices of utterance `index` (depends only on seed, index and the inventory)."""
    rng = np.random.default_rng([seed, index])
    synths = sorted(inventory)
    w = np.array([SYNTH_WEIGHTS[s] for s in synths])
    synth = synths[rng.choice(len(synths), p=w / w.sum())]
    voice, variant = inventory[synth][rng.integers(len(inventory[synth]))]
    p = {"index": index, "sentence": int(rng.integers(n_sentences)), "synth": synth, "voice": voice,
         "variant": variant}
    if synth == "espeak":
        p["rate_wpm"] = int(rng.integers(130, 211))
        p["pitch"] = int(rng.integers(25, 76))
        p["word_gap"] = int(rng.choice([0, 0, 0, 1, 2]))
    else:
        p["pitch_cents"] = int(rng.integers(-200, 201))
        p["duration_stretch"] = round(float(rng.uniform(0.85, 1.2)), 3)
    p["perturb"] = "tempo" if rng.random() < 0.5 else "speed"
    p["perturb_factor"] = round(float(rng.uniform(0.9, 1.1)), 3)
    p["pad"] = [round(float(rng.uniform(0.05, 0.4)), 3), round(float(rng.uniform(0.05, 0.4)), 3)]
    if rng.random() < args.reverb_prob:
        p["reverb"] = [int(rng.integers(10, 81)), int(rng.integers(20, 81)), int(rng.integers(10, 101)), 0,
                       int(rng.integers(0, 31)), int(rng.integers(-6, 1))]
    if rng.random() < args.noise_prob:
        p["noise"] = str(rng.choice(["white", "pink", "brown"]))
        p["snr_db"] = round(float(rng.uniform(args.snr[0], args.snr[1])), 2)
    p["peak_dbfs"] = round(float(rng.uniform(-12.0, -1.0)), 2)
    p["noise_seed"] = int(rng.integers(2 ** 31))
    return p


def utt_id(p):
    spk = f"{p['synth']}-{p['voice']}"
    ch = p["variant"] or "base"
    return spk, ch, f"{spk}-{ch}-{p['index']:06d}"


class Failure(Exception):
    def __init__(self, reason, detail):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def _check(cmd, env, what, timeout=120):
    try:
        rc, out, err = _out(cmd, env, timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what} timeout", " ".join(cmd[:3]))
    if rc != 0:
        raise Failure(f"{what} error", err.strip()[-300:] or f"exit {rc}")


def _text_file(td, text):
    """The text as a file, for synthesizers that read one (festival's text2wave, RHVoice-test -i)."""
    path = os.path.join(td, "in.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    return path


def synthesize_raw(p, text, tools, env, td):
    raw = os.path.join(td, "raw.wav")
    speak = text.lower()  # all-caps words can be spelled out letter by letter
    if p["synth"] == "espeak":
        v = p["voice"] + ("+" + p["variant"] if p["variant"] else "")
        _check([tools["espeak"], "-v", v, "-s", str(p["rate_wpm"]), "-p", str(p["pitch"]), "-g", str(p["word_gap"]),
                "-w", raw, speak], env, "espeak-ng")
    elif p["synth"] == "flite":
        _check([tools["flite"], "-voice", p["voice"], "--setf", f"duration_stretch={p['duration_stretch']}",
                "-t", speak, "-o", raw], env, "flite")
    elif p["synth"] == "rhvoice":  # rate in percent of its normal rate
        _check([tools["rhvoice"], "-p", p["voice"], "-r", str(round(100 / p["duration_stretch"])),
                "-i", _text_file(td, speak), "-o", raw], env, "RHVoice")
    elif p["synth"] == "pico":  # no rate control: the sox tempo/speed and pitch steps vary it
        _check([tools["pico"], "-l", p["voice"], "-w", raw, speak], env, "pico2wave")
    else:
        _check([tools["festival"], "-eval", f"(voice_{p['voice']})", "-eval",
                f"(Parameter.set 'Duration_Stretch {p['duration_stretch']})", "-o", raw, _text_file(td, speak)],
               env, "festival")
    if not os.path.exists(raw) or os.path.getsize(raw) < 1000:
        raise Failure("empty synthesis", f"{p['synth']} {p['voice']} {p['variant']} wrote no audio")
    return raw


def make_utterance(p, text, tools, env, out_path, fmt, max_seconds):
    with tempfile.TemporaryDirectory(prefix="synth-") as td:
        raw = synthesize_raw(p, text, tools, env, td)
        fx = os.path.join(td, "fx.wav")
        effects = ["channels", "1"]
        if p.get("pitch_cents"):
            effects += ["pitch", str(p["pitch_cents"])]
        effects += [p["perturb"], str(p["perturb_factor"])]
        effects += ["rate", "-h", str(SR), "pad", str(p["pad"][0]), str(p["pad"][1])]
        if "reverb" in p:
            effects += ["reverb"] + [str(x) for x in p["reverb"]] + ["channels", "1"]
        _check([tools["sox"], "-R", "-D", "-V1", raw, "-r", str(SR), "-b", "16", "-e", "signed-integer", fx]
               + effects, env, "sox effects")
        a, sr = read_wav(fx)
        if sr != SR:
            raise Failure("sox effects error", f"expected {SR} Hz, got {sr}")
        dur = len(a) / SR
        if dur < 0.5 or active_power(a) < 1e-8:
            raise Failure("empty synthesis", f"{dur:.2f} s, silent={active_power(a) < 1e-8}")
        if dur > max_seconds:
            raise Failure("too long", f"{dur:.1f} s > --max-seconds {max_seconds}")
        if "noise" in p:
            nrng = np.random.default_rng(p["noise_seed"])
            noise = colored_noise(nrng, len(a), p["noise"])
            a = a + noise * np.sqrt(active_power(a) / 10 ** (p["snr_db"] / 10))
        a = a * (10 ** (p["peak_dbfs"] / 20) / (np.abs(a).max() + 1e-9))
        final = os.path.join(td, "final.wav")
        write_wav(final, a)
        tmp_out = out_path + ".part"
        if fmt == "wav":
            shutil.copyfile(final, tmp_out)
        elif fmt == "flac" and tools["flac_via"] == "flac":
            _check([tools["flac"], "--silent", "--force", "-o", tmp_out, final], env, "flac")
        elif fmt == "flac":
            _check([tools["sox"], "-R", "-D", "-V1", final, "-t", "flac", tmp_out], env, "sox flac")
        else:
            _check([tools["opusenc"], "--quiet", "--bitrate", "24", final, tmp_out], env, "opusenc")
        os.replace(tmp_out, out_path)
        return dur, float(np.sqrt(np.mean(a ** 2)))


# ---------------------------------------------------------------- worker plumbing
_W = {}


def _init(tools, env, sentences, out_dir, fmt, max_seconds):
    _W.update(tools=tools, env=env, sentences=sentences, out=out_dir, fmt=fmt, max_seconds=max_seconds)


def _work(p):
    text = _W["sentences"][p["sentence"]]
    spk, ch, uid = utt_id(p)
    rel = os.path.join(spk, ch, f"{uid}.{_W['fmt']}")
    path = os.path.join(_W["out"], rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rec = dict(p, id=uid, audio=rel, text=text)
    t0 = time.time()
    try:
        dur, rms = make_utterance(p, text, _W["tools"], _W["env"], path, _W["fmt"], _W["max_seconds"])
        rec.update(status="ok", duration=round(dur, 3), rms=round(rms, 5))
    except Failure as e:
        rec.update(status="failed", reason=e.reason, detail=str(e))
    except Exception as e:  # a broken tool must not stop the whole run; it is counted and reported
        rec.update(status="failed", reason=type(e).__name__, detail=str(e)[-300:])
    rec["seconds"] = round(time.time() - t0, 3)
    return rec


# ---------------------------------------------------------------- outputs
def load_manifest(out_dir):
    recs = {}
    path = os.path.join(out_dir, "manifest.jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interruption
                recs[r["index"]] = r
    return recs


def write_outputs(out_dir, recs, meta):
    ok = [recs[i] for i in sorted(recs) if recs[i]["status"] == "ok"]
    groups = defaultdict(list)
    for r in ok:
        spk, ch, _ = utt_id(r)
        groups[(spk, ch)].append(r)
    wanted = set()
    for (spk, ch), rs in groups.items():
        t = os.path.join(out_dir, spk, ch, f"{spk}-{ch}.trans.txt")
        wanted.add(os.path.abspath(t))
        with open(t + ".part", "w", encoding="utf-8") as f:
            f.writelines(f"{r['id']} {r['text']}\n" for r in rs)
        os.replace(t + ".part", t)
    for t in glob.glob(os.path.join(out_dir, "**", "*.trans.txt"), recursive=True):
        if os.path.abspath(t) not in wanted:
            os.remove(t)
    tmp = os.path.join(out_dir, "manifest.jsonl.part")
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(recs[i]) + "\n" for i in sorted(recs))
    os.replace(tmp, os.path.join(out_dir, "manifest.jsonl"))
    hours = lambda key: {k: round(v / 3600, 4) for k, v in sorted(key.items())}  # noqa: E731
    by_synth, by_voice, by_variant = Counter(), Counter(), Counter()
    for r in ok:
        by_synth[r["synth"]] += r["duration"]
        by_voice[f"{r['synth']}:{r['voice']}"] += r["duration"]
        by_variant[f"{r['synth']}:{r['variant'] or 'base'}"] += r["duration"]
    failed = [recs[i] for i in sorted(recs) if recs[i]["status"] != "ok"]
    total = sum(r["duration"] for r in ok)
    summary = dict(meta, utterances=len(ok), hours=round(total / 3600, 4),
                   mean_seconds=round(total / max(1, len(ok)), 2),
                   hours_by_synth=hours(by_synth), hours_by_voice=hours(by_voice), hours_by_variant=hours(by_variant),
                   utterances_by_synth=dict(Counter(r["synth"] for r in ok)),
                   failures=len(failed), failures_by_reason=dict(Counter(r["reason"] for r in failed)),
                   failure_examples=[{"id": r["id"], "detail": r["detail"]} for r in failed[:10]])
    with open(os.path.join(out_dir, "summary.json.part"), "w") as f:
        json.dump(summary, f, indent=1)
    os.replace(os.path.join(out_dir, "summary.json.part"), os.path.join(out_dir, "summary.json"))
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(RECIPE_DIR, "data", "synthetic"), help="output folder")
    ap.add_argument("--text", default=DEFAULT_TEXT, help="one normalized sentence per line")
    ap.add_argument("--dev-dir", default=DEFAULT_DEV, help="dev transcripts to exclude (exact matches)")
    ap.add_argument("--hours", type=float, default=1.5, help="target hours of audio (existing ones count)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--format", choices=["flac", "opus", "wav"], default="flac")
    ap.add_argument("--tools-root", default="", help="folder with .debs unpacked by dpkg -x (else PATH)")
    ap.add_argument("--synths", default="espeak,flite,festival",
                    help="comma list to allow (also rhvoice, pico: Debian contrib/non-free rhvoice-english + rhvoice, "
                         "libttspico-utils)")
    ap.add_argument("--max-words", type=int, default=30)
    ap.add_argument("--max-seconds", type=float, default=19.0, help="longer results are skipped (training drops >20 s)")
    ap.add_argument("--snr", type=float, nargs=2, default=[10.0, 30.0], metavar=("LO", "HI"))
    ap.add_argument("--noise-prob", type=float, default=0.7)
    ap.add_argument("--reverb-prob", type=float, default=0.5)
    ap.add_argument("--list-voices", action="store_true", help="print the voice inventory and exit")
    args = ap.parse_args()

    tools, env = discover_tools(args.tools_root)
    if args.format == "opus" and "opusenc" not in tools:
        sys.exit("--format opus needs opusenc")
    tools["flac_via"] = flac_encoder(tools, env, bool(args.tools_root))
    if args.format == "flac" and tools["flac_via"] is None:
        sys.exit("--format flac: this sox cannot write FLAC and there is no flac CLI; use --format wav")
    allowed = set(args.synths.split(","))
    inventory = {k: v for k, v in voice_inventory(tools, env).items() if k in allowed}
    if not inventory:
        sys.exit(f"no synthesizer found (tools: {tools}); install espeak-ng / flite / festival or use --tools-root")
    n_voices = {k: len(v) for k, v in inventory.items()}
    print(f"tools: {json.dumps(tools)}\nvoices (voice x variant): {n_voices}", flush=True)
    if args.list_voices:
        for k, v in inventory.items():
            print(k, " ".join(a + ("+" + b if b else "") for a, b in v))
        return

    sentences, dropped = load_sentences(args.text, args.max_words, args.dev_dir)
    print(f"{len(sentences)} sentences <= {args.max_words} words from {args.text} "
          f"({dropped} exact dev-transcript matches excluded)", flush=True)
    os.makedirs(args.out, exist_ok=True)
    recs = load_manifest(args.out)
    for i, r in list(recs.items()):  # keep only finished utterances whose audio is still there
        if r["status"] != "ok" or not os.path.exists(os.path.join(args.out, r["audio"])):
            del recs[i]
    target = args.hours * 3600
    total = sum(r["duration"] for r in recs.values())
    print(f"resuming with {len(recs)} utterances, {total / 3600:.3f} h; target {args.hours} h", flush=True)
    meta = {"seed": args.seed, "text": os.path.abspath(args.text), "format": args.format, "tools": tools,
            "tools_root": os.path.abspath(args.tools_root) if args.tools_root else "",
            "voices": n_voices, "args": vars(args)}

    t0, new_audio = time.time(), 0.0
    mf = open(os.path.join(args.out, "manifest.jsonl"), "a", encoding="utf-8")
    pool = multiprocessing.Pool(args.jobs, _init, (tools, env, sentences, args.out, args.format, args.max_seconds)) \
        if args.jobs > 1 else None
    if pool is None:
        _init(tools, env, sentences, args.out, args.format, args.max_seconds)
    index, batch = 0, max(1, 4 * args.jobs)
    try:
        while total < target:
            todo = []
            while len(todo) < batch:
                if index not in recs:
                    todo.append(plan(index, args.seed, len(sentences), inventory, args))
                index += 1
            results = pool.map(_work, todo) if pool else [_work(p) for p in todo]
            for r in results:  # in index order, so the kept set does not depend on --jobs
                if total >= target:
                    if r["status"] == "ok":
                        os.remove(os.path.join(args.out, r["audio"]))
                    continue
                recs[r["index"]] = r
                mf.write(json.dumps(r) + "\n")
                if r["status"] == "ok":
                    total += r["duration"]
                    new_audio += r["duration"]
                else:
                    print(f"skipped {r['id']}: {r['detail']}", flush=True)
            mf.flush()
            n_ok = sum(1 for r in recs.values() if r["status"] == "ok")
            el = time.time() - t0
            print(f"{n_ok} utts, {total / 3600:.3f} h, {el:.0f} s wall"
                  + (f", {el / (new_audio / 3600):.0f} s wall per hour of audio" if new_audio else ""), flush=True)
    finally:
        mf.close()
        if pool:
            pool.terminate()
        el = time.time() - t0
        meta.update(wall_seconds_this_run=round(el, 1), new_hours_this_run=round(new_audio / 3600, 4),
                    wall_seconds_per_audio_hour=round(el / (new_audio / 3600), 1) if new_audio else None)
        s = write_outputs(args.out, recs, meta)
        print(f"done: {s['utterances']} utterances, {s['hours']} h, {s['failures']} failures "
              f"{s['failures_by_reason']}; summary: {os.path.join(args.out, 'summary.json')}", flush=True)


if __name__ == "__main__":
    main()
