"use strict";
// Runs in the AudioWorklet scope: turns the microphone's float frames into 16 kHz 16-bit little-endian PCM and
// posts it to the page in blocks of about 100 ms, with the block's RMS level for the meter.
// Where the context could not be opened at 16 kHz (some browsers refuse to mix rates with a microphone), the frames
// are resampled here by linear interpolation after a moving-average low-pass: plain, but enough for speech.

const TARGET_RATE = 16000;
const BLOCK_SAMPLES = 1600;

class PcmWorklet extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / TARGET_RATE;
    this.block = new Int16Array(BLOCK_SAMPLES);
    this.filled = 0;
    this.sumSquares = 0;
    this.position = 0;   // fractional read position into the incoming stream, for resampling
    this.previous = 0;   // the last input sample, for interpolating across render quanta
    this.stopped = false;
    this.port.onmessage = e => { if (e.data === "stop") this.flushAndStop(); };
  }

  push(sample) {
    const s = Math.max(-1, Math.min(1, sample));
    this.block[this.filled++] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
    this.sumSquares += s * s;
    if (this.filled === BLOCK_SAMPLES) this.post();
  }

  post() {
    if (this.filled === 0) return;
    const pcm = this.block.slice(0, this.filled);
    this.port.postMessage({ pcm: pcm.buffer, rms: Math.sqrt(this.sumSquares / this.filled) }, [pcm.buffer]);
    this.filled = 0;
    this.sumSquares = 0;
  }

  flushAndStop() {
    this.post();
    this.stopped = true;
    this.port.postMessage({ done: true });
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const channel = input[0];
    if (this.ratio === 1) {
      for (let i = 0; i < channel.length; i++) this.push(channel[i]);
      return true;
    }
    const width = Math.max(1, Math.round(this.ratio));
    const smoothed = new Float32Array(channel.length);
    let acc = 0;
    for (let i = 0; i < channel.length; i++) {
      acc += channel[i];
      if (i >= width) acc -= channel[i - width];
      smoothed[i] = acc / Math.min(i + 1, width);
    }
    while (this.position < channel.length) {
      const i = Math.floor(this.position);
      const frac = this.position - i;
      const a = i === 0 ? this.previous : smoothed[i - 1];
      const b = smoothed[i];
      this.push(a + (b - a) * frac);
      this.position += this.ratio;
    }
    this.position -= channel.length;
    this.previous = smoothed[channel.length - 1];
    return true;
  }
}

registerProcessor("pcm-worklet", PcmWorklet);
