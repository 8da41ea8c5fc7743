#!/usr/bin/env bash
# Download the Debian packages that synthesize.py needs (espeak-ng, flite, sox, flac and their shared libraries)
# into asr-model/training/carry/debs/ (git-ignored), then check them: unpack into a temp folder with `dpkg -x`
# and synthesize + augment + encode one sentence with ONLY the unpacked binaries and libraries.
#
#   asr-model/training/tools/fetch_synth_debs.sh            # download (skips .debs already there) + verify
#   asr-model/training/tools/fetch_synth_debs.sh --verify   # verify only
#   asr-model/training/tools/fetch_synth_debs.sh --no-flite  # leave flite out (-12.5 MB: 11.6 MB instead of 24.6 MB)
#
# Carry budget: make_carry.py keeps carry/debs and counts it first; keep the sum under the transfer limit (64 MiB:
# all .debs with make_carry.py --max-mb 42; --no-flite: the default 55 fits).
#
# On a machine without these tools (no root needed):
#   mkdir -p synth-tools && for d in asr-model/training/carry/debs/*.deb; do dpkg -x "$d" synth-tools; done
#   asr-model/training/make_synthetic.sh --tools-root "$PWD/synth-tools" --hours 2
#
# The packages are Debian 12 (bookworm) amd64 builds: the target needs glibc >= 2.36 (libc6 is not carried).
# festival is not carried: its scripts hard-code /usr/bin/festival and /usr/share/festival, and with its
# lexicons and voices it is much larger. sox's format plugins (libsox-fmt-*) are not carried either: sox loads
# them from a compiled-in folder, so an unpacked sox only handles WAV; FLAC is written with the `flac` CLI.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"  # the recipe folder
DEBS="$HERE/carry/debs"
PY="${PYTHON:-/usr/bin/python3}"

PKGS=(
  # espeak-ng and what it links (libpcaudio pulls in ALSA/PulseAudio client libs even for -w file output)
  espeak-ng libespeak-ng1 espeak-ng-data libpcaudio0 libsonic0 libasound2 libpulse0 libasyncns0 libsndfile1
  libflac12 libogg0 libvorbis0a libvorbisenc2 libopus0 libmpg123-0 libmp3lame0
  libx11-6 libx11-xcb1 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 libdbus-1-3 libsystemd0 libcap2
  libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1
  # flite (voices kal, kal16, awb, rms, slt are built into libflite1)
  flite libflite1
  # sox (effects; WAV built in) and the flac encoder
  sox libsox3 libltdl7 libgomp1 libgsm1 libmagic1 libpng16-16 zlib1g libbz2-1.0
  flac
)

VERIFY_ONLY=0
for a in "$@"; do
  case "$a" in
    --verify) VERIFY_ONLY=1;;
    --no-flite) PKGS=("${PKGS[@]/#flite/}"); PKGS=("${PKGS[@]/#libflite1/}"); rm -f "$DEBS"/flite_*.deb "$DEBS"/libflite1_*.deb;;
    *) echo "usage: $0 [--verify] [--no-flite]" >&2; exit 2;;
  esac
done

if [[ $VERIFY_ONLY == 0 ]]; then
  mkdir -p "$DEBS"
  cd "$DEBS"
  for p in "${PKGS[@]}"; do
    [[ -n "$p" ]] || continue
    if ls "${p}"_*.deb >/dev/null 2>&1; then continue; fi
    apt-get download "$p" 2>&1 | grep -v "unsandboxed" || { echo "apt-get download $p failed" >&2; exit 1; }
  done
  cd - >/dev/null
fi

n=$(ls "$DEBS"/*.deb | wc -l)
echo "$n .debs in $DEBS: $(du -ch "$DEBS"/*.deb | tail -1 | cut -f1) ($(cat "$DEBS"/*.deb | wc -c) bytes)"

# ---- verify with only the unpacked tools
T="$(mktemp -d -t synth-debs-check.XXXXXX)"
trap 'rm -rf "$T"' EXIT
for d in "$DEBS"/*.deb; do dpkg -x "$d" "$T/root"; done
R="$T/root"
LIBS="$(find "$R/lib" "$R/usr/lib" -name '*.so*' -printf '%h\n' 2>/dev/null | sort -u | paste -sd:)"
DATA="$(dirname "$(find "$R/usr/lib" -maxdepth 3 -type d -name espeak-ng-data | head -1)")"
run() { env -i PATH="$R/usr/bin" LD_LIBRARY_PATH="$LIBS" ESPEAK_DATA_PATH="$DATA" HOME="$T" "$@"; }

# every shared library must resolve inside the unpacked folder, except glibc's own
bad=0
BINS=("$R/usr/bin/espeak-ng" "$R/usr/bin/sox" "$R/usr/bin/flac")
[[ -x "$R/usr/bin/flite" ]] && BINS+=("$R/usr/bin/flite")
for b in "${BINS[@]}"; do
  while read -r lib path; do
    case "$lib" in libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|linux-vdso*) continue;; esac
    if [[ "$path" != "$R"/* ]]; then echo "FAIL: $(basename "$b") uses $lib from $path" >&2; bad=1; fi
  done < <(run "$(command -v ldd)" "$b" | awk '/=>/{print $1, $3}')
done
[[ $bad == 0 ]] || exit 1

S="IT WAS THE BEST OF TIMES IT WAS THE WORST OF TIMES"
run espeak-ng -v en-gb-x-rp+f3 -s 160 -w "$T/e.wav" "${S,,}"
if [[ -x "$R/usr/bin/flite" ]]; then run flite -voice slt -t "${S,,}" -o "$T/f.wav"; else cp "$T/e.wav" "$T/f.wav"; fi
run sox -R -D "$T/e.wav" -r 16000 -b 16 "$T/e16.wav" tempo 1.05 reverb 40 50 60 channels 1
run flac --silent -o "$T/e16.flac" "$T/e16.wav"
for f in e.wav f.wav e16.wav e16.flac; do
  [[ -s "$T/$f" ]] || { echo "FAIL: $f not written" >&2; exit 1; }
done
echo "unpacked tools OK: espeak-ng $(run espeak-ng --version | awk '{print $4}'), sox, flac$([[ -x "$R/usr/bin/flite" ]] && echo ", flite")"

# the whole script with --tools-root, and the recipe's reader on its output
"$PY" "$HERE/synthesize.py" --tools-root "$R" --out "$T/out" --hours 0.005 --seed 7 | tail -1
"$PY" - "$T/out" "$R" <<'EOF'
import glob, json, os, sys
out, root = sys.argv[1], sys.argv[2]
s = json.load(open(os.path.join(out, "summary.json")))
assert s["utterances"] > 0, s
for k, v in s["tools"].items():
    assert k == "flac_via" or v.startswith(root), f"{k} not from the unpacked debs: {v}"
print(f"synthesize.py --tools-root: {s['utterances']} utterances, {s['hours'] * 3600:.1f} s, "
      f"synths {sorted(s['hours_by_synth'])}, flac via {s['tools']['flac_via']}")
EOF
PYTHONPATH="$HERE" "$PY" -c "
import glob
from local import features
fs = sorted(glob.glob('$T/out/**/*.flac', recursive=True))
for f in fs:
    w = features.load_audio(f); x = features.fbank(w)
    assert w.numel() > 8000 and x.shape[1] == 80, f
print(f'features.load_audio + fbank read {len(fs)} files')"
echo "OK"
