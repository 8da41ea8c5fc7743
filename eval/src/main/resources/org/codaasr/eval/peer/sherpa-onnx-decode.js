// Decodes WAV files with sherpa-onnx (the npm package sherpa-onnx-node) and prints one JSON object per file and pass,
// one a line: {"pass", "file", "tokens", "timestamps", "text", "seconds", "audio_seconds"} (seconds: wall time of
// the decoding). Used by this project's
// parity tests and `asr bench peer` as the reference implementation; never on the recognizer's run-time path.
//
// node sherpa-onnx-decode.js '<json request>'
//   request: {"layout": "wenet_ctc" | "nemo_ctc" | "nemo_ctc_online", "model": FILE, "tokens": FILE,
//             "threads": N, "files": [WAV...], "repeats": N (passes over the files, default 1)}
'use strict';
const sherpa = require('sherpa-onnx-node');

const request = JSON.parse(process.argv[2]);
const threads = request.threads || 1;
const repeats = request.repeats || 1;

function offlineRecognizer() {
  const modelConfig = {tokens: request.tokens, numThreads: threads, provider: 'cpu', debug: 0};
  if (request.layout === 'wenet_ctc') {
    modelConfig.wenetCtc = {model: request.model};
  } else if (request.layout === 'nemo_ctc') {
    modelConfig.nemoCtc = {model: request.model};
  } else {
    throw new Error('unknown offline layout ' + request.layout);
  }
  return new sherpa.OfflineRecognizer({
    featConfig: {sampleRate: 16000, featureDim: 80},
    modelConfig: modelConfig,
    decodingMethod: 'greedy_search',
  });
}

function onlineRecognizer() {
  return new sherpa.OnlineRecognizer({
    featConfig: {sampleRate: 16000, featureDim: 80},
    modelConfig: {nemoCtc: {model: request.model}, tokens: request.tokens, numThreads: threads, provider: 'cpu',
                  debug: 0},
    decodingMethod: 'greedy_search',
    enableEndpoint: 0,
  });
}

function decodeOffline(recognizer, wave) {
  const stream = recognizer.createStream();
  stream.acceptWaveform({samples: wave.samples, sampleRate: wave.sampleRate});
  recognizer.decode(stream);
  return recognizer.getResult(stream);
}

function decodeOnline(recognizer, wave) {
  const stream = recognizer.createStream();
  stream.acceptWaveform({samples: wave.samples, sampleRate: wave.sampleRate});
  stream.inputFinished();
  while (recognizer.isReady(stream)) {
    recognizer.decode(stream);
  }
  return recognizer.getResult(stream);
}

const online = request.layout === 'nemo_ctc_online';
const recognizer = online ? onlineRecognizer() : offlineRecognizer();
const waves = request.files.map((f) => sherpa.readWave(f));
for (let pass = 0; pass < repeats; pass++) {
  waves.forEach((wave, i) => {
    const start = process.hrtime.bigint();
    const r = online ? decodeOnline(recognizer, wave) : decodeOffline(recognizer, wave);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify({pass: pass, file: request.files[i], tokens: r.tokens,
                                         timestamps: r.timestamps, text: r.text, seconds: seconds,
                                         audio_seconds: wave.samples.length / wave.sampleRate}) + '\n');
  });
}
