"use strict";
// The CoDA-ASR page: results from the server's Server-Sent Events (/events), audio to its WebSocket source
// (/api/config names it). No libraries, nothing from other hosts.

const MAX_STREAMS = 500, MAX_FINALS = 200, LATEST_DLQ = 20, MAX_SHOWN_CHARS = 600;
const CHUNK_SAMPLES = 1600;                 // 100 ms at 16 kHz per WebSocket message
const LOW_CONFIDENCE = 0.5, MID_CONFIDENCE = 0.8;

const $ = id => document.getElementById(id);

// ---------------------------------------------------------------- state fed by the server
// Mirrors StreamView.with(Transcript) in Java: finals by segment, a partial only while newer than every final.
const model = { streams: new Map(), aggregates: new Map(), deadLetters: 0, latestDeadLetters: [], transcripts: 0,
                finalLatency: null, partialLatency: null };
const rows = new Map();
const dirty = new Set();
let dirtySide = false, scheduled = false;
let config = null;
let mine = null;                            // { streamId, kind: "mic" | "file" } of this page's latest stream

function streamOf(id, at) {
  let s = model.streams.get(id);
  if (!s) {
    s = { streamId: id, finals: [], partial: null, lastFinalLatencyMs: null, lagMs: 0, audioSeconds: 0, codaR: 0,
          complete: false, firstSeenMs: at, updatedAtMs: at };
    model.streams.set(id, s);
  }
  return s;
}

function segmentOf(t) {
  return { segment: t.segment, text: t.text, words: t.words || [] };
}

function applyTranscript(t) {
  model.transcripts++;
  const s = streamOf(t.streamId, t.createdAtMs);
  s.audioSeconds = Math.max(s.audioSeconds, t.audioEndSeconds);
  s.updatedAtMs = Math.max(s.updatedAtMs, t.createdAtMs);
  s.codaR = t.codaR;
  s.model = t.model;
  if (t.utteranceId) s.utteranceId = t.utteranceId;
  if (t.kind === "STREAM_COMPLETE") {
    if (s.finals.length === 0 && t.text.trim()) s.finals = [segmentOf(t)];
    s.partial = null;
    s.complete = true;
  } else if (t.kind === "FINAL") {
    s.finals = s.finals.filter(f => f.segment !== t.segment);
    s.finals.push(segmentOf(t));
    s.finals.sort((a, b) => a.segment - b.segment);
    if (s.finals.length > MAX_FINALS) s.finals.splice(0, s.finals.length - MAX_FINALS);
    if (s.partial && s.partial.segment <= t.segment) s.partial = null;
    s.lastFinalLatencyMs = t.latencyMs;
    s.lagMs = t.latencyMs;
    addLatency("final", t.latencyMs);
  } else {
    const last = s.finals.length ? s.finals[s.finals.length - 1].segment : -1;
    if (!s.complete && t.segment > last) s.partial = segmentOf(t);
    if (!s.complete) s.lagMs = t.latencyMs;
    addLatency("partial", t.latencyMs);
  }
  // most recently updated last, like the server's LinkedHashMap; evict the stalest
  model.streams.delete(s.streamId);
  model.streams.set(s.streamId, s);
  while (model.streams.size > MAX_STREAMS) {
    const stale = model.streams.keys().next().value;
    model.streams.delete(stale);
    const row = rows.get(stale);
    if (row) { row.remove(); rows.delete(stale); }
  }
  dirty.add(s.streamId);
}

// The server sends percentiles in its snapshot; between snapshots the page keeps its own window of latencies.
const latencies = { final: [], partial: [] };
function addLatency(kind, ms) {
  const w = latencies[kind];
  w.push(ms);
  if (w.length > 2000) w.shift();
  dirtySide = true;
}

function summary(values) {
  if (!values.length) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = p => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1))];
  return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99) };
}

function applySnapshot(snap) {
  model.streams.clear();
  for (const row of rows.values()) row.remove();
  rows.clear();
  for (const s of snap.streams.slice().reverse()) {
    model.streams.set(s.streamId, Object.assign({}, s, { finals: s.finals.slice() }));
    dirty.add(s.streamId);
  }
  model.aggregates.clear();
  for (const a of snap.runs.concat(snap.speakers)) model.aggregates.set(a.runId + "\u0000" + a.scope, a);
  model.deadLetters = snap.deadLetters;
  model.latestDeadLetters = snap.latestDeadLetters.slice();
  model.transcripts = snap.transcripts;
  latencies.final = []; latencies.partial = [];
  model.finalLatency = snap.finalLatency && snap.finalLatency.count ? snap.finalLatency : null;
  model.partialLatency = snap.partialLatency && snap.partialLatency.count ? snap.partialLatency : null;
  dirtySide = true;
}

// ---------------------------------------------------------------- rendering
function schedule() {
  if (!scheduled) { scheduled = true; requestAnimationFrame(render); }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function fmtMs(ms) {
  if (ms === null || ms === undefined) return "\u2013";
  return ms >= 10000 ? (ms / 1000).toFixed(1) + " s" : Math.round(ms) + " ms";
}

function fmtWer(w) {
  return typeof w === "number" ? w.toFixed(2) + " %" : String(w);
}

function fmtCoda(r) {
  return r ? "r=" + r : "dense";
}

function speed(s) {
  const wall = (s.updatedAtMs - s.firstSeenMs) / 1000;
  return wall >= 1 ? (s.audioSeconds / wall).toFixed(2) + "\u00d7" : "\u2013";
}

function fillRow(tr, s) {
  tr.replaceChildren();
  const id = el("td", "id", s.streamId);
  if (s.utteranceId && s.utteranceId !== s.streamId) id.title = "utterance " + s.utteranceId;
  const text = el("td", "text");
  let finalText = s.finals.map(f => f.text).filter(x => x).join(" ");
  // a long microphone stream shows its tail only
  if (finalText.length > MAX_SHOWN_CHARS) finalText = "\u2026" + finalText.slice(finalText.length - MAX_SHOWN_CHARS);
  if (finalText) text.appendChild(el("span", "final", finalText));
  if (s.partial && s.partial.text) {
    if (finalText) text.appendChild(document.createTextNode(" "));
    text.appendChild(el("span", "partial", s.partial.text));
  }
  tr.append(id, text, el("td", "num", fmtCoda(s.codaR)), el("td", "num", fmtMs(s.complete ? null : s.lagMs)),
      el("td", "num", speed(s)), el("td", "num", s.audioSeconds.toFixed(1) + " s"));
  const state = el("td");
  state.appendChild(el("span", "badge " + (s.complete ? "done" : "live"), s.complete ? "complete" : "live"));
  tr.appendChild(state);
}

// live streams first in the order they appeared, then completed ones, most recently updated first
function order(a, b) {
  if (a.complete !== b.complete) return a.complete ? 1 : -1;
  return a.complete ? b.updatedAtMs - a.updatedAtMs : a.firstSeenMs - b.firstSeenMs || (a.streamId < b.streamId ? -1 : 1);
}

function render() {
  scheduled = false;
  const body = $("streamRows");
  for (const id of dirty) {
    const s = model.streams.get(id);
    if (!s) continue;
    let tr = rows.get(id);
    if (!tr) { tr = el("tr"); rows.set(id, tr); }
    fillRow(tr, s);
    tr.className = (s.complete ? "done" : "live") + (mine && mine.streamId === id ? " mine" : "");
  }
  if (dirty.size) {
    const sorted = Array.from(model.streams.values()).sort(order);
    sorted.forEach((s, i) => { const tr = rows.get(s.streamId); if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null); });
    if (mine && dirty.has(mine.streamId)) renderMine();
    dirty.clear();
  }
  let live = 0;
  for (const s of model.streams.values()) if (!s.complete) live++;
  $("nStreams").textContent = model.streams.size;
  $("nLive").textContent = live;
  $("noStreams").hidden = model.streams.size > 0;
  $("streamsNote").textContent = model.streams.size >= MAX_STREAMS ? "(latest " + MAX_STREAMS + ")" : "";
  if (dirtySide) { renderSide(); dirtySide = false; }
}

function renderLatency(prefix, server, local) {
  const s = local.length ? summary(local) : server;
  $(prefix + "P50").textContent = s ? fmtMs(s.p50) : "\u2013";
  $(prefix + "P95").textContent = s ? fmtMs(s.p95) : "\u2013";
  $(prefix + "P99").textContent = s ? fmtMs(s.p99) : "\u2013";
  $(prefix + "N").textContent = s ? s.count : 0;
  return s;
}

function renderSide() {
  const finals = renderLatency("f", model.finalLatency, latencies.final);
  renderLatency("p", model.partialLatency, latencies.partial);
  $("hdrP95").textContent = finals ? fmtMs(finals.p95) : "\u2013";
  const aggs = Array.from(model.aggregates.values()).sort((a, b) =>
      a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0);
  const runs = aggs.filter(a => a.scope === "run"), speakers = aggs.filter(a => a.scope !== "run");
  $("runRows").replaceChildren(...runs.map(a => {
    const tr = el("tr");
    tr.append(el("td", null, a.runId), el("td", "num", a.utterances), el("td", "num", a.referenceWords),
        el("td", "num", a.errors), el("td", "num wer", fmtWer(a.wer)));
    return tr;
  }));
  $("noRuns").hidden = runs.length > 0;
  $("speakerRows").replaceChildren(...speakers.map(a => {
    const tr = el("tr");
    tr.append(el("td", null, a.scope.replace(/^speaker:/, "")), el("td", null, a.runId),
        el("td", "num", a.utterances), el("td", "num wer", fmtWer(a.wer)));
    return tr;
  }));
  $("noSpeakers").hidden = speakers.length > 0;
  const count = $("dlqCount");
  count.textContent = model.deadLetters;
  count.className = model.deadLetters ? "some" : "";
  $("hdrDlq").textContent = model.deadLetters;
  $("dlqList").replaceChildren(...model.latestDeadLetters.map(d => {
    const li = el("li");
    li.appendChild(el("div", null, d.reason));
    li.appendChild(el("div", "where", new Date(d.timestampMs).toLocaleTimeString() + "  " + d.sourceTopic + "[" +
        d.partition + "]@" + d.offset + (d.key ? "  key " + d.key : "") + (d.errorClass ? "  " + d.errorClass : "")));
    return li;
  }));
}

/** Words of a segment, each faded by its confidence; plain text where the segment has no word timings. */
function appendSegment(parent, seg, cls) {
  const span = el("span", cls);
  if (seg.words && seg.words.length) {
    seg.words.forEach((w, i) => {
      if (i) span.appendChild(document.createTextNode(" "));
      const c = w.confidence;
      const word = el("span", "w" + (c < LOW_CONFIDENCE ? " low" : c < MID_CONFIDENCE ? " mid" : ""), w.word);
      word.title = "confidence " + c.toFixed(2) + ", " + w.start.toFixed(2) + "\u2013" + w.end.toFixed(2) + " s";
      span.appendChild(word);
    });
  } else {
    span.textContent = seg.text;
  }
  parent.appendChild(span);
}

function renderMine() {
  const box = $("mineText"), panel = $("mine");
  const s = mine ? model.streams.get(mine.streamId) : null;
  if (!mine) return;
  $("mineId").textContent = mine.streamId;
  box.replaceChildren();
  if (!s) {
    box.appendChild(el("span", "empty", "waiting for the first words\u2026"));
    return;
  }
  const finals = s.finals.filter(f => f.text);
  finals.forEach((f, i) => {
    if (i) box.appendChild(document.createTextNode(" "));
    appendSegment(box, f, "final");
  });
  if (s.partial && s.partial.text) {
    if (finals.length) box.appendChild(document.createTextNode(" "));
    appendSegment(box, s.partial, "partial");
  }
  if (!finals.length && !(s.partial && s.partial.text)) {
    box.appendChild(el("span", "empty", s.complete ? "(no speech recognised)" : "listening\u2026"));
  }
  $("mineR").textContent = fmtCoda(s.codaR);
  $("mineLag").textContent = s.complete ? "\u2013" : fmtMs(s.lagMs);
  $("mineAudio").textContent = s.audioSeconds.toFixed(1) + " s";
  panel.dataset.state = s.complete ? "complete" : "live";
  panel.dataset.finalText = finals.map(f => f.text).join(" ");
  panel.dataset.audioSeconds = String(s.audioSeconds);
  const base = "api/streams/" + encodeURIComponent(mine.streamId) + "/transcript.";
  for (const [id, ext] of [["dlTxt", "txt"], ["dlSrt", "srt"], ["dlVtt", "vtt"]]) {
    const a = $(id);
    a.href = base + ext + tokenQuery();
    a.className = finals.length ? "" : "disabled";
  }
}

function adopt(streamId, kind) {
  mine = { streamId, kind };
  const panel = $("mine");
  panel.dataset.state = "live";
  panel.dataset.finalText = "";
  for (const id of ["dlTxt", "dlSrt", "dlVtt"]) $(id).className = "disabled";
  $("mineR").textContent = $("mineLag").textContent = $("mineAudio").textContent = "\u2013";
  renderMine();
  for (const [id, tr] of rows) tr.classList.toggle("mine", id === streamId);
}

// ---------------------------------------------------------------- results connection (reconnects by itself)
let source = null, retry = null;

function setConnected(live, text) {
  $("conn").className = live ? "live" : "";
  $("connText").textContent = text;
  const banner = $("banner");
  banner.hidden = live;
  if (!live) banner.textContent = "The server cannot be reached; reconnecting by itself. Results shown are as of "
      + new Date().toLocaleTimeString() + ".";
}

function connect() {
  clearTimeout(retry);
  if (source) source.close();
  source = new EventSource("events" + tokenQuery());
  source.addEventListener("open", () => setConnected(true, "live"));
  source.addEventListener("error", () => {
    setConnected(false, "reconnecting\u2026");
    // EventSource retries by itself unless the server answered with an error; then start over
    if (source.readyState === EventSource.CLOSED) retry = setTimeout(connect, 2000);
  });
  source.addEventListener("snapshot", e => { applySnapshot(JSON.parse(e.data)); schedule(); });
  source.addEventListener("transcript", e => { applyTranscript(JSON.parse(e.data)); schedule(); });
  source.addEventListener("wer", e => {
    const a = JSON.parse(e.data);
    model.aggregates.set(a.runId + "\u0000" + a.scope, a);
    dirtySide = true; schedule();
  });
  source.addEventListener("dlq", e => {
    model.deadLetters++;
    model.latestDeadLetters.unshift(JSON.parse(e.data));
    model.latestDeadLetters.length = Math.min(model.latestDeadLetters.length, LATEST_DLQ);
    dirtySide = true; schedule();
  });
}

// ---------------------------------------------------------------- sending audio
function message(id, text, kind) {
  const m = $(id);
  m.textContent = text || "";
  m.className = "message " + (kind || "info");
}

function token() {
  return $("token").value.trim();
}

/** "?token=..." for what cannot send a header (EventSource, download links); "" without a token. */
function tokenQuery() {
  return token() ? "?token=" + encodeURIComponent(token()) : "";
}

function newStreamId(prefix, name) {
  const stem = (name || "").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 40);
  const rand = Math.random().toString(36).slice(2, 8);
  return [prefix, stem, Date.now().toString(36), rand].filter(x => x).join("-");
}

/** Why the audio socket closed, in words; null for a normal end. */
function closeReason(e, tokenRequired) {
  switch (e.code) {
    case 1000: return null;
    case 1008: return e.reason || "the server refused the stream (policy)";
    case 1009: return "the server refused a message as too large";
    case 1013: return e.reason || "too many streams open from this browser; close one and try again";
    case 1006: return tokenRequired && !token()
        ? "the server wants a token: open the address it printed (…/#token=…) or type the token above"
        : "the audio connection was refused or lost (wrong token, or the server is gone)";
    default: return "the audio connection closed (" + e.code + (e.reason ? ": " + e.reason : "") + ")";
  }
}

/** Opens the WebSocket of a new stream; resolves once it is open. */
function openAudioSocket(streamId) {
  const a = config.audio;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const params = new URLSearchParams({ coda: $("coda").value });
  if (token()) params.set("token", token());
  const ws = new WebSocket(scheme + "//" + location.hostname + ":" + a.port + "/" + encodeURIComponent(streamId)
      + "?" + params);
  ws.binaryType = "arraybuffer";
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(ws), { once: true });
    ws.addEventListener("close", e => reject(new Error(closeReason(e, a.tokenRequired) || "closed")), { once: true });
  });
}

function setBusy(busy) {
  $("micStart").disabled = busy;
  $("fileInput").disabled = busy;
  $("coda").disabled = busy;
  $("drop").classList.toggle("disabled", busy);
}

// microphone
const mic = { ws: null, context: null, stream: null, node: null, samples: 0, stopping: false };

async function startMic() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    message("micMessage", "This browser gives no microphone here (it needs https, or localhost).", "error");
    return;
  }
  setBusy(true);
  message("micMessage", "asking for the microphone\u2026");
  try {
    mic.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false,
        noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    setBusy(false);
    message("micMessage", e.name === "NotAllowedError"
        ? "Microphone access was refused. Allow it for this site (the icon in the address bar) and press Start again."
        : e.name === "NotFoundError" ? "No microphone was found." : "The microphone could not be opened: " + e.message,
        "error");
    return;
  }
  const streamId = newStreamId("mic");
  try {
    mic.context = await audioContextFor(mic.stream);
    await mic.context.audioWorklet.addModule("pcm-worklet.js");
    mic.ws = await openAudioSocket(streamId);
  } catch (e) {
    releaseMic();
    setBusy(false);
    message("micMessage", "Could not start: " + e.message, "error");
    return;
  }
  mic.samples = 0;
  mic.stopping = false;
  adopt(streamId, "mic");
  const input = mic.context.createMediaStreamSource(mic.stream);
  mic.node = new AudioWorkletNode(mic.context, "pcm-worklet");
  mic.node.port.onmessage = e => {
    if (e.data.done) { finishMic(); return; }
    if (mic.ws && mic.ws.readyState === WebSocket.OPEN) mic.ws.send(e.data.pcm);
    mic.samples += e.data.pcm.byteLength / 2;
    $("level").value = Math.min(1, e.data.rms * 4);
    $("micClock").textContent = (mic.samples / config.audio.sampleRate).toFixed(1) + " s";
  };
  input.connect(mic.node);
  mic.ws.addEventListener("close", e => {
    const why = closeReason(e, config.audio.tokenRequired);
    if (!mic.stopping) {
      message("micMessage", why ? "Stopped: " + why : "The server ended the stream.", why ? "error" : "info");
      releaseMic();
      setBusy(false);
      $("micStop").disabled = true;
    }
  });
  $("micStop").disabled = false;
  message("micMessage", "listening \u2013 speak, then press Stop");
}

async function audioContextFor(stream) {
  // 16 kHz straight from the browser's own resampler where it can; elsewhere the worklet resamples
  try {
    const ctx = new AudioContext({ sampleRate: config.audio.sampleRate });
    ctx.createMediaStreamSource(stream).disconnect();
    return ctx;
  } catch (e) {
    return new AudioContext();
  }
}

function stopMic() {
  $("micStop").disabled = true;
  mic.stopping = true;
  message("micMessage", "finishing\u2026");
  if (mic.node) mic.node.port.postMessage("stop"); else finishMic();
}

function finishMic() {
  if (mic.ws && mic.ws.readyState === WebSocket.OPEN) {
    mic.ws.send("END");
  }
  releaseMic();
  setBusy(false);
  message("micMessage", "sent " + (mic.samples / config.audio.sampleRate).toFixed(1) + " s; the final transcript follows");
}

function releaseMic() {
  if (mic.stream) mic.stream.getTracks().forEach(t => t.stop());
  if (mic.node) mic.node.disconnect();
  if (mic.context) mic.context.close().catch(() => {});
  mic.stream = mic.node = mic.context = null;
  $("level").value = 0;
}

// file upload: decoded and resampled to 16 kHz mono by the browser, then streamed like a microphone
async function upload(file) {
  if (!file) return;
  const a = config.audio;
  if (file.size > config.maxUploadBytes) {
    message("uploadMessage", file.name + " is " + mb(file.size) + "; the largest upload is " + mb(config.maxUploadBytes)
        + ". Send long recordings with ./asr ingest.", "error");
    return;
  }
  setBusy(true);
  message("uploadMessage", "decoding " + file.name + "\u2026");
  let samples;
  try {
    samples = await decode(file, a.sampleRate);
  } catch (e) {
    setBusy(false);
    message("uploadMessage", file.name + " is not audio this browser can decode (WAV, FLAC, MP3, Ogg): "
        + (e.message || e.name), "error");
    return;
  }
  const seconds = samples.length / a.sampleRate;
  if (seconds > a.maxStreamSeconds) {
    setBusy(false);
    message("uploadMessage", file.name + " lasts " + seconds.toFixed(0) + " s; the server takes streams of at most "
        + a.maxStreamSeconds + " s.", "error");
    return;
  }
  const streamId = newStreamId("file", file.name);
  let ws;
  try {
    ws = await openAudioSocket(streamId);
  } catch (e) {
    setBusy(false);
    message("uploadMessage", "Could not start: " + e.message, "error");
    return;
  }
  adopt(streamId, "file");
  let failed = null;
  ws.addEventListener("close", e => { failed = closeReason(e, a.tokenRequired) || failed; });
  const pace = Number($("pace").value);
  const start = performance.now();
  message("uploadMessage", "sending " + file.name + " (" + seconds.toFixed(1) + " s)\u2026");
  for (let i = 0; i < samples.length && !failed; i += CHUNK_SAMPLES) {
    ws.send(pcm16(samples.subarray(i, Math.min(samples.length, i + CHUNK_SAMPLES))));
    $("uploadProgress").value = Math.min(1, (i + CHUNK_SAMPLES) / samples.length);
    if (pace > 0) {
      const due = start + (i + CHUNK_SAMPLES) / a.sampleRate * 1000 / pace;
      await sleep(due - performance.now());
    } else {
      while (ws.bufferedAmount > 1 << 20 && ws.readyState === WebSocket.OPEN) await sleep(20);
    }
    if (ws.readyState !== WebSocket.OPEN) failed = failed || "the audio connection closed";
  }
  setBusy(false);
  if (failed) {
    message("uploadMessage", "Stopped: " + failed, "error");
    return;
  }
  ws.send("END");
  message("uploadMessage", "sent " + file.name + " (" + seconds.toFixed(1) + " s); the final transcript follows");
}

async function decode(file, rate) {
  const data = await file.arrayBuffer();
  const ctx = new OfflineAudioContext(1, 1, rate);
  const buffer = await ctx.decodeAudioData(data);
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0);
  const mono = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < ch.length; i++) mono[i] += ch[i] / buffer.numberOfChannels;
  }
  return mono;
}

function pcm16(floats) {
  const out = new DataView(new ArrayBuffer(floats.length * 2));
  for (let i = 0; i < floats.length; i++) {
    const s = Math.max(-1, Math.min(1, floats[i]));
    out.setInt16(i * 2, s < 0 ? Math.round(s * 32768) : Math.round(s * 32767), true);
  }
  return out.buffer;
}

function sleep(ms) {
  return new Promise(r => setTimeout(r, Math.max(0, ms)));
}

function mb(bytes) {
  if (bytes < 1024 * 1024) return Math.ceil(bytes / 1024) + " KB";
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0) + " MB";
}

// ---------------------------------------------------------------- start
function takeTokenFromAddress() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem("asr.token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  $("token").value = sessionStorage.getItem("asr.token") || "";
  $("token").addEventListener("change", () => { sessionStorage.setItem("asr.token", token()); connect(); });
}

async function loadConfig() {
  for (;;) {
    try {
      const headers = token() ? { Authorization: "Bearer " + token() } : {};
      const r = await fetch("api/config", { cache: "no-store", headers });
      if (r.ok) return await r.json();
      if (r.status === 401) {
        $("tokenBox").hidden = false;
        setConnected(false, "token needed");
        $("banner").textContent = "This server wants its token: open the address it printed (\u2026/#token=\u2026) "
            + "or type the token in the box below.";
        await sleep(2000);
        continue;
      }
    } catch (e) {
      // the server is not up yet: the banner says so and this tries again
    }
    setConnected(false, "reconnecting\u2026");
    await sleep(2000);
  }
}

function setUpAudio() {
  const a = config.audio;
  $("noAudio").hidden = !!a;
  $("audioControls").hidden = !a;
  if (!a) return;
  const coda = $("coda");
  coda.replaceChildren(...a.routing.map(c => {
    const o = el("option", null, c.label);
    o.value = c.value;
    o.selected = c.value === a.defaultRouting;
    return o;
  }));
  $("tokenBox").hidden = !a.tokenRequired;
  $("micStart").addEventListener("click", startMic);
  $("micStop").addEventListener("click", stopMic);
  $("fileInput").addEventListener("change", e => { upload(e.target.files[0]); e.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    if (!$("fileInput").disabled) upload(e.dataTransfer.files[0]);
  });
}

(async function main() {
  takeTokenFromAddress();
  connect();
  config = await loadConfig();
  setUpAudio();
  setInterval(() => { for (const s of model.streams.values()) if (!s.complete) dirty.add(s.streamId); schedule(); }, 1000);
})();
