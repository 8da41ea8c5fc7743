"""A tiny random-weight model in sherpa-onnx's streaming zipformer2 transducer layout, and the reference decoding the
Java side is tested against: asr-model/src/test/resources/models/tiny-zipformer2/ (written by
make_layout_fixtures.py).

The layout (icefall's egs/librispeech/ASR/zipformer/export-onnx-streaming.py, read by sherpa-onnx's
csrc/online-zipformer2-transducer-model.cc):
    encoder.onnx  inputs  x float [N, T, 80], then per layer i (numbered across the stacks) cached_key_i
                          [left, N, key_dim], cached_nonlin_attn_i [1, N, left, 3*dim/4], cached_val1_i,
                          cached_val2_i [left, N, val_dim], cached_conv1_i, cached_conv2_i [N, dim, kernel/2], then
                          embed_states [N, 128, 3, 19] and processed_lens int64 [N]
                  outputs encoder_out [N, T', joiner_dim], then new_<state> for each state in the same order
                  metadata model_type=zipformer2, T, decode_chunk_len, and the comma lists encoder_dims,
                          query_head_dims, value_head_dims, num_heads, num_encoder_layers, cnn_module_kernels,
                          left_context_len
    decoder.onnx  y int64 [N, context_size] -> decoder_out [N, joiner_dim]; metadata context_size, vocab_size
                  (the context starts as [-1, ..., -1, blank]; -1 embeds to zeros)
    joiner.onnx   encoder_out [N, joiner_dim], decoder_out [N, joiner_dim] -> logit [N, vocab]; metadata joiner_dim
    tokens.txt    "<piece> <id>" per line, <blk> first

The networks are random and small, but every state feeds the output and is replaced by a new one, so a Java reading
that loses, swaps or misplaces a state decodes differently. The reference decodes as sherpa-onnx does: T feature
frames per encoder call, advancing by decode_chunk_len; greedy search with at most one symbol per frame and the
decoder re-run on the last context_size tokens after each symbol; 0.66 s of zero samples appended before the end
(tail padding); a chunk is decoded once a frame beyond it is ready (sherpa-onnx's IsReady), and a last chunk
shorter than T is not decoded.
"""
import json
import os

import numpy as np
import onnx
import torch
import torchaudio

OUT = "asr-model/src/test/resources/models/tiny-zipformer2"
BROKEN = OUT + "-broken"
DEMO_UTTERANCE = "demo-data/LibriSpeech/test-other/1688/142285/1688-142285-0000.flac"
RATE = 16000
MELS = 80
T = 45
DECODE_CHUNK_LEN = 32
NUM_ENCODER_LAYERS = [1, 2]
ENCODER_DIMS = [16, 24]
QUERY_HEAD_DIMS = [4, 4]
VALUE_HEAD_DIMS = [4, 4]
NUM_HEADS = [2, 2]
CNN_MODULE_KERNELS = [3, 5]
LEFT_CONTEXT_LEN = [8, 4]
JOINER_DIM = 16
CONTEXT_SIZE = 2
TAIL_PADDING_SECONDS = 0.66
BEAM_PATHS = 4
BLANK_BIAS_SHIFT = 16.0
SKIP_GAIN = 4.0
JOINER_GAIN = 24.0
PIECES = ["\u2581THE", "\u2581A", "S", "ED", "\u2581SAID", "\u2581HE", "ING", "\u2581OF", "T", "\u2581TO",
          "\u2581AND", "E", "\u2581IN", "R"]
TOKENS = ["<blk>", "<sos/eos>", "<unk>"] + PIECES
STATE_KINDS = ["cached_key", "cached_nonlin_attn", "cached_val1", "cached_val2", "cached_conv1", "cached_conv2"]


def layer_stacks():
    """The stack index of each layer, numbered across the stacks."""
    return [s for s, n in enumerate(NUM_ENCODER_LAYERS) for _ in range(n)]


def state_shapes(n=1):
    """(name, shape, dtype) of every state input, in the encoder's input order."""
    shapes = []
    for i, s in enumerate(layer_stacks()):
        left, dim = LEFT_CONTEXT_LEN[s], ENCODER_DIMS[s]
        key = QUERY_HEAD_DIMS[s] * NUM_HEADS[s]
        val = VALUE_HEAD_DIMS[s] * NUM_HEADS[s]
        conv = CNN_MODULE_KERNELS[s] // 2
        shapes += [(f"cached_key_{i}", (left, n, key), torch.float32),
                   (f"cached_nonlin_attn_{i}", (1, n, left, 3 * dim // 4), torch.float32),
                   (f"cached_val1_{i}", (left, n, val), torch.float32),
                   (f"cached_val2_{i}", (left, n, val), torch.float32),
                   (f"cached_conv1_{i}", (n, dim, conv), torch.float32),
                   (f"cached_conv2_{i}", (n, dim, conv), torch.float32)]
    shapes += [("embed_states", (n, 128, 3, 19), torch.float32), ("processed_lens", (n,), torch.int64)]
    return shapes


def batch_axis(name):
    return 1 if name.split("_")[1] in ("key", "nonlin", "val1", "val2") else 0


class Layer(torch.nn.Module):
    """One encoder layer: each of its six states is summarised into the frames and replaced by the newest frames."""

    def __init__(self, s):
        super().__init__()
        dim = ENCODER_DIMS[s]
        self.left = LEFT_CONTEXT_LEN[s]
        sizes = [QUERY_HEAD_DIMS[s] * NUM_HEADS[s], 3 * dim // 4, VALUE_HEAD_DIMS[s] * NUM_HEADS[s],
                 VALUE_HEAD_DIMS[s] * NUM_HEADS[s], dim, dim]
        self.read = torch.nn.ModuleList([torch.nn.Linear(k, dim) for k in sizes])
        self.write = torch.nn.ModuleList([torch.nn.Linear(dim, k) for k in sizes[:4]])
        self.mix = torch.nn.Linear(dim, dim)
        self.conv = CNN_MODULE_KERNELS[s] // 2

    def forward(self, h, key, nonlin, val1, val2, conv1, conv2):
        # h [N, t, dim]; summaries [N, dim] broadcast over the frames
        summaries = [key.mean(0), nonlin[0].mean(1), val1.mean(0), val2.mean(0), conv1.mean(2), conv2.mean(2)]
        context = sum(r(x) for r, x in zip(self.read, summaries))
        h = torch.tanh(self.mix(h) + 0.3 * context.unsqueeze(1))
        time_first = h.transpose(0, 1)                                        # [t, N, dim]
        new_key = torch.cat([key, self.write[0](time_first)], 0)[-self.left:]
        new_nonlin = torch.cat([nonlin, self.write[1](h).unsqueeze(0)], 2)[:, :, -self.left:]
        new_val1 = torch.cat([val1, self.write[2](time_first)], 0)[-self.left:]
        new_val2 = torch.cat([val2, self.write[3](time_first)], 0)[-self.left:]
        new_conv1 = torch.cat([conv1, h.transpose(1, 2)], 2)[:, :, -self.conv:]
        new_conv2 = torch.cat([conv2, -h.transpose(1, 2)], 2)[:, :, -self.conv:]
        return h, [new_key, new_nonlin, new_val1, new_val2, new_conv1, new_conv2]


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        receptive = T - DECODE_CHUNK_LEN + 4
        self.embed = torch.nn.Conv1d(MELS, ENCODER_DIMS[0], kernel_size=receptive, stride=4)
        self.embed_read = torch.nn.Linear(19, ENCODER_DIMS[0])
        self.embed_write = torch.nn.Linear(ENCODER_DIMS[0], 19)
        self.stacks = layer_stacks()
        self.layers = torch.nn.ModuleList([Layer(s) for s in self.stacks])
        self.between = torch.nn.Linear(ENCODER_DIMS[0], ENCODER_DIMS[1])
        self.proj = torch.nn.Linear(ENCODER_DIMS[-1], JOINER_DIM)
        self.skip = torch.nn.Linear(ENCODER_DIMS[0], JOINER_DIM)

    def forward(self, x, *states):
        embed_states, processed_lens = states[-2], states[-1]
        # each frame's mean over the bins removed: a front end's constant log offset (samples scaled by 32768 or
        # not) changes nothing, so the model emits much the same tokens under this project's and sherpa-onnx's fbank
        x = x - x.mean(dim=2, keepdim=True)
        h = self.embed(x.transpose(1, 2) / 4.0).transpose(1, 2)                 # [N, T', dim0]
        embedded = h
        h = h + self.embed_read(embed_states.mean(dim=(1, 2))).unsqueeze(1)
        h = h + 0.1 * torch.tanh(processed_lens.to(torch.float32) / 50.0).view(-1, 1, 1)
        new_embed = torch.cat([embed_states[:, :, 1:],
                               torch.tanh(self.embed_write(h.mean(1))).view(-1, 1, 1, 19).expand(-1, 128, 1, 19)], 2)
        new_states = []
        for i, layer in enumerate(self.layers):
            if i > 0 and self.stacks[i] != self.stacks[i - 1]:
                h = self.between(h)
            h, new = layer(h, *states[6 * i:6 * i + 6])
            new_states += new
        out = self.proj(h) + SKIP_GAIN * self.skip(embedded)                    # the frames' own sound shows
        return (out, *new_states, new_embed, processed_lens + out.shape[1])


class Decoder(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, JOINER_DIM)
        self.proj = torch.nn.Linear(CONTEXT_SIZE * JOINER_DIM, JOINER_DIM)

    def forward(self, y):
        e = self.embedding(y.clamp(min=0)) * (y >= 0).unsqueeze(-1).to(torch.float32)
        return 0.2 * torch.relu(self.proj(e.flatten(1)))


class Joiner(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.out = torch.nn.Linear(JOINER_DIM, vocab)

    def forward(self, encoder_out, decoder_out):
        return self.out(torch.tanh(encoder_out + decoder_out))


def add_metadata(path, values):
    m = onnx.load(path)
    for key, value in values.items():
        prop = m.metadata_props.add()
        prop.key, prop.value = key, str(value)
    onnx.save(m, path)


def csv(values):
    return ",".join(str(v) for v in values)


def features_of(pcm):
    """The Java recognizer's transducer front end (Recognizer.TRANSDUCER_FBANK) of the samples and the tail padding:
    sherpa-onnx's fbank settings (samples in [-1, 1], mel bins from 20 Hz to Nyquist - 400 Hz, dither off) with the
    edges snipped, as this project's extractor frames audio."""
    samples = np.concatenate([pcm.astype(np.float64) / 32768.0, np.zeros(int(TAIL_PADDING_SECONDS * RATE))])
    waveform = torch.tensor(samples, dtype=torch.float64).unsqueeze(0)
    return torchaudio.compliance.kaldi.fbank(waveform, num_mel_bins=MELS, frame_length=25, frame_shift=10,
                                             dither=0.0, energy_floor=0.0, sample_frequency=RATE, low_freq=20,
                                             high_freq=-400).to(torch.float32)


def greedy_stream(encoder, decoder, joiner, features):
    """sherpa-onnx's streaming greedy search over whole chunks; token ids and their frames (40 ms each)."""
    states = [torch.zeros(shape, dtype=dtype) for _, shape, dtype in state_shapes()]
    context = [-1] * (CONTEXT_SIZE - 1) + [0]
    decoder_out = decoder(torch.tensor([context]))
    ids, frames, frame = [], [], 0
    processed = 0
    with torch.no_grad():
        while processed + T < features.shape[0]:                               # a frame beyond the chunk is ready
            out, *states = encoder(features[processed:processed + T].unsqueeze(0), *states)
            for t in range(out.shape[1]):
                logit = joiner(out[:, t], decoder_out)
                token = int(logit[0].argmax())
                if token not in (0, 2):                                        # blank and <unk>
                    ids.append(token)
                    frames.append(frame)
                    context = context[1:] + [token]
                    decoder_out = decoder(torch.tensor([context]))
                frame += 1
            processed += DECODE_CHUNK_LEN
    return ids, frames, frame


def beam_stream(encoder, decoder, joiner, features, paths):
    """sherpa-onnx's streaming modified beam search over whole chunks: per frame every hypothesis's log-softmaxed
    joiner scores plus its log-probability, the best `paths` (hypothesis, token) pairs kept, at most one symbol per
    frame, equal token sequences merged by log-add; the best is the highest log-probability per token (context
    included). Token ids and frames of the best."""
    states = [torch.zeros(shape, dtype=dtype) for _, shape, dtype in state_shapes()]
    hyps = {(-1,) * (CONTEXT_SIZE - 1) + (0,): ([], 0.0)}                  # ys -> (frames, log-probability)
    frame, processed = 0, 0
    with torch.no_grad():
        while processed + T < features.shape[0]:
            out, *states = encoder(features[processed:processed + T].unsqueeze(0), *states)
            for t in range(out.shape[1]):
                prev = list(hyps.items())
                decoder_out = decoder(torch.tensor([list(ys[-CONTEXT_SIZE:]) for ys, _ in prev]))
                logp = joiner(out[:, t].expand(len(prev), -1), decoder_out).log_softmax(-1).double()
                logp += torch.tensor([lp for _, (_, lp) in prev], dtype=torch.float64).unsqueeze(1)
                flat = logp.flatten().tolist()
                top = sorted(range(len(flat)), key=lambda k: -flat[k])[:paths]
                hyps = {}
                for k in top:
                    i, token = divmod(k, logp.shape[1])
                    ys, (frames, _) = prev[i]
                    if token not in (0, 2):                                      # blank and <unk>
                        ys, frames = ys + (token,), frames + [frame]
                    if ys in hyps:
                        hyps[ys] = (hyps[ys][0], float(np.logaddexp(hyps[ys][1], flat[k])))
                    else:
                        hyps[ys] = (frames, flat[k])
                frame += 1
            processed += DECODE_CHUNK_LEN
    ys, (frames, _) = max(hyps.items(), key=lambda h: h[1][1] / len(h[0]))
    return list(ys[CONTEXT_SIZE:]), frames


def export(module, args, path, inputs, outputs, batch_axes):
    dynamic = {name: {axis: "N"} for name, axis in batch_axes.items()}
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, opset_version=13,
                      dynamic_axes=dynamic)


def build_models():
    """The fixture's three networks, the same on every call (fixed seed)."""
    torch.manual_seed(17)
    vocab = len(TOKENS)
    encoder, decoder, joiner = Encoder().eval(), Decoder(vocab).eval(), Joiner(vocab).eval()
    with torch.no_grad():
        # random weights: a spread of tokens and blanks rather than one token everywhere
        w = torch.randn(joiner.out.weight.shape)
        joiner.out.weight.copy_(JOINER_GAIN * w / w.norm(dim=1, keepdim=True))
        joiner.out.bias[0] += BLANK_BIAS_SHIFT
        joiner.out.bias[1] -= 100.0                                          # <sos/eos> is never emitted
    return encoder, decoder, joiner


def write(pcm):
    os.makedirs(OUT, exist_ok=True)
    encoder, decoder, joiner = build_models()
    shapes = state_shapes()
    names = [name for name, _, _ in shapes]
    x = torch.zeros(1, T, MELS)
    states = [torch.zeros(shape, dtype=dtype) for _, shape, dtype in shapes]
    axes = {"x": 0, "encoder_out": 0}
    for name in names:
        axes[name] = axes["new_" + name] = batch_axis(name)
    export(encoder, (x, *states), os.path.join(OUT, "encoder.onnx"), ["x"] + names,
           ["encoder_out"] + ["new_" + n for n in names], axes)
    add_metadata(os.path.join(OUT, "encoder.onnx"), {
        "model_type": "zipformer2", "model_author": "coda-asr test fixture", "version": "1",
        "comment": "random weights, sherpa-onnx streaming zipformer2 contract", "decode_chunk_len": DECODE_CHUNK_LEN,
        "T": T, "num_encoder_layers": csv(NUM_ENCODER_LAYERS), "encoder_dims": csv(ENCODER_DIMS),
        "query_head_dims": csv(QUERY_HEAD_DIMS), "value_head_dims": csv(VALUE_HEAD_DIMS),
        "num_heads": csv(NUM_HEADS), "cnn_module_kernels": csv(CNN_MODULE_KERNELS),
        "left_context_len": csv(LEFT_CONTEXT_LEN)})
    y = torch.tensor([[-1, 0]])
    export(decoder, (y,), os.path.join(OUT, "decoder.onnx"), ["y"], ["decoder_out"], {"y": 0, "decoder_out": 0})
    add_metadata(os.path.join(OUT, "decoder.onnx"), {"context_size": CONTEXT_SIZE, "vocab_size": len(TOKENS)})
    e = torch.zeros(1, JOINER_DIM)
    export(joiner, (e, e), os.path.join(OUT, "joiner.onnx"), ["encoder_out", "decoder_out"], ["logit"],
           {"encoder_out": 0, "decoder_out": 0, "logit": 0})
    add_metadata(os.path.join(OUT, "joiner.onnx"), {"joiner_dim": JOINER_DIM})
    with open(os.path.join(OUT, "tokens.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(TOKENS):
            f.write(f"{token} {i}\n")
    reference = {"tailPaddingSeconds": TAIL_PADDING_SECONDS, "decodeChunkLen": DECODE_CHUNK_LEN, "T": T,
                 "beamPaths": BEAM_PATHS}
    demo, _ = torchaudio.load(DEMO_UTTERANCE)                               # float in [-1, 1], as int16 / 32768
    for name, pcm16 in (("inputWav", pcm), ("demoUtterance", np.round(demo[0].numpy() * 32768).astype("<i2"))):
        features = features_of(pcm16)
        with torch.no_grad():
            ids, frames, decoded = greedy_stream(encoder, decoder, joiner, features)
        text = "".join(TOKENS[i] for i in ids).replace("\u2581", " ").strip()
        beam_ids, beam_frames = beam_stream(encoder, decoder, joiner, features, BEAM_PATHS)
        reference[name] = {"featureFrames": int(features.shape[0]), "decodedFrames": decoded, "tokenIds": ids,
                           "tokenFrames": frames, "text": text, "beamTokenIds": beam_ids,
                           "beamTokenFrames": beam_frames}
        differing = sum(a != b for a, b in zip(ids, beam_ids))
        print(f"{OUT} {name}: {features.shape[0]} frames -> {decoded} encoder frames, {len(ids)} tokens '{text}'; "
              f"modified beam search ({BEAM_PATHS} paths) {len(beam_ids)} tokens, {differing} of the first "
              f"{min(len(ids), len(beam_ids))} differ from greedy's")
    with open(os.path.join(OUT, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, separators=(",", ":"))
    write_broken()


def write_broken():
    """Encoders that break the contract one way each, for the errors they must give (BROKEN/encoder-*.onnx)."""
    os.makedirs(BROKEN, exist_ok=True)
    good = os.path.join(OUT, "encoder.onnx")
    swapped = onnx.load(good)                                    # cached_val1_0 and cached_val2_0 change places
    inputs = list(swapped.graph.input)
    inputs[3], inputs[4] = inputs[4], inputs[3]
    del swapped.graph.input[:]
    swapped.graph.input.extend(inputs)
    onnx.save(swapped, os.path.join(BROKEN, "encoder-swapped-states.onnx"))
    more_layers = onnx.load(good)                                # the metadata promises a layer the graph lacks
    for prop in more_layers.metadata_props:
        if prop.key == "num_encoder_layers":
            prop.value = csv([NUM_ENCODER_LAYERS[0], NUM_ENCODER_LAYERS[1] + 1])
    onnx.save(more_layers, os.path.join(BROKEN, "encoder-layer-count.onnx"))
    no_chunk = onnx.load(good)                                   # a key the layout needs is missing
    kept = [p for p in no_chunk.metadata_props if p.key != "decode_chunk_len"]
    del no_chunk.metadata_props[:]
    no_chunk.metadata_props.extend(kept)
    onnx.save(no_chunk, os.path.join(BROKEN, "encoder-no-decode-chunk-len.onnx"))
