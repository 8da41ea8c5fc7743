#!/usr/bin/env python3
"""Checks the zipformer2 fixture's reading of the contract against sherpa-onnx itself: the fixture's PyTorch greedy and
modified beam searches (zipformer2_fixture.py) on sherpa-onnx's own front end, computed with torchaudio (samples in
[-1, 1], no snip edges, mel bins from 20 Hz to Nyquist - 400 Hz, dither off), against sherpa-onnx-node's
OnlineRecognizer on the fixture's ONNX files and the same audio. Prints, per search, whether the token sequences and
timestamps are identical; exit 1 when they are not.

sherpa-onnx-node must be installed (npm install sherpa-onnx-node) in SHERPA_ONNX_NODE (default
~/.cache/coda-asr/sherpa-onnx-node, where ./asr bench peer installs it). Run from the repository root with the
Debian interpreter:
    /usr/bin/python3 asr-model/training/tools/zipformer2_sherpa_check.py [AUDIO ...]
(default: the fixtures' input.wav and the demo utterance the Java tests use; 16 kHz mono, WAV 16-bit or what
torchaudio reads).
"""
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zipformer2_fixture as z  # noqa: E402

NODE = os.environ.get("SHERPA_ONNX_NODE", os.path.expanduser("~/.cache/coda-asr/sherpa-onnx-node"))
RUN_SHERPA = r"""
const sherpa = require(process.env.SHERPA_MODULE);
const fs = require('fs');
const [dir, wav, method] = process.argv.slice(2);
const buf = fs.readFileSync(wav);
let off = 12, data = null;
while (off < buf.length) {
  const id = buf.toString('ascii', off, off + 4), size = buf.readUInt32LE(off + 4);
  if (id === 'data') { data = buf.subarray(off + 8, off + 8 + size); break; }
  off += 8 + size;
}
const samples = new Float32Array(data.length / 2);
for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(2 * i) / 32768;
const rec = new sherpa.OnlineRecognizer({
  featConfig: {sampleRate: 16000, featureDim: 80},
  modelConfig: {transducer: {encoder: dir + '/encoder.onnx', decoder: dir + '/decoder.onnx',
    joiner: dir + '/joiner.onnx'}, tokens: dir + '/tokens.txt', numThreads: 1, provider: 'cpu', debug: 0},
  decodingMethod: method, maxActivePaths: parseInt(process.argv[5]), enableEndpoint: 0});
const s = rec.createStream();
s.acceptWaveform({samples, sampleRate: 16000});
s.acceptWaveform({samples: new Float32Array(Math.round(parseFloat(process.argv[6]) * 16000)), sampleRate: 16000});
s.inputFinished();
while (rec.isReady(s)) rec.decode(s);
const r = rec.getResult(s);
console.log(JSON.stringify({tokens: r.tokens, timestamps: r.timestamps}));
"""


def sherpa_features(pcm):
    samples = np.concatenate([pcm.astype(np.float64) / 32768.0, np.zeros(int(z.TAIL_PADDING_SECONDS * z.RATE))])
    waveform = torch.tensor(samples, dtype=torch.float64).unsqueeze(0)
    return torchaudio.compliance.kaldi.fbank(waveform, num_mel_bins=z.MELS, frame_length=25, frame_shift=10,
                                             dither=0.0, energy_floor=0.0, sample_frequency=z.RATE,
                                             snip_edges=False, low_freq=20, high_freq=-400).to(torch.float32)


def write_wav(pcm):
    with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as f:
        path = f.name
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(z.RATE)
        w.writeframes(pcm.tobytes())
    return path


def sherpa(script, wav, method):
    env = dict(os.environ, SHERPA_MODULE=os.path.join(NODE, "node_modules", "sherpa-onnx-node"))
    out = subprocess.run(["node", script, z.OUT, wav, method, str(z.BEAM_PATHS), str(z.TAIL_PADDING_SECONDS)],
                         env=env, capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return [t.replace(" ", "\u2581") for t in r["tokens"]], [round(t, 2) for t in r["timestamps"]]


def main():
    if not os.path.isdir(os.path.join(NODE, "node_modules", "sherpa-onnx-node")):
        print(f"sherpa-onnx-node not installed in {NODE} (npm install sherpa-onnx-node there)")
        return 1
    wavs = sys.argv[1:] or ["asr-model/src/test/resources/models/tiny-nemo-ctc/input.wav", z.DEMO_UTTERANCE]
    encoder, decoder, joiner = z.build_models()
    same = True
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(RUN_SHERPA)
        script = f.name
    try:
        for name in wavs:
            wav = name
            if wav.endswith(".wav"):
                with wave.open(wav) as w:
                    pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            else:                                                         # e.g. FLAC: a 16-bit WAV copy for node
                audio, _ = torchaudio.load(wav)
                pcm = np.round(audio[0].numpy() * 32768).astype("<i2")
                wav = write_wav(pcm)
            features = sherpa_features(pcm)
            ids, frames, _ = z.greedy_stream(encoder, decoder, joiner, features)
            beam_ids, beam_frames = z.beam_stream(encoder, decoder, joiner, features, z.BEAM_PATHS)
            for method, (tokens, times) in (("greedy_search", (ids, frames)),
                                            ("modified_beam_search", (beam_ids, beam_frames))):
                ours = [z.TOKENS[i] for i in tokens], [round(t * 0.04, 2) for t in times]
                theirs = sherpa(script, wav, method)
                ok = ours == theirs
                same &= ok
                print(f"{name} {method}: {len(ours[0])} tokens here, {len(theirs[0])} in sherpa-onnx: "
                      f"{'identical tokens and timestamps' if ok else 'DIFFERENT'}")
            if wav != name:
                os.unlink(wav)
    finally:
        os.unlink(script)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
