#!/usr/bin/env python3
"""Rewrites this project's CTC export (model.onnx + tokens.txt) into the WeNet CTC layout that sherpa-onnx's
OfflineRecognizer runs (`wenetCtc`), so the same weights can be decoded by both:

    model.onnx   inputs  x float [N, T, 80], x_lens int64 [N]          (were: features, feature_lengths)
                 outputs log_probs float [N, T', V], log_probs_lens int64 [N]   (were: log_probs, log_prob_lengths)
                 metadata model_type=wenet_ctc, version, model_author, comment, subsampling_factor, vocab_size
                 (sherpa-onnx reads the graph from memory, so the shared weights are stored inside the file)
    units.txt    "<blank> 0" (the blank, which this project names <blk>), then the other tokens with their ids

The graph itself is unchanged: it computes the same log-probabilities from the same features. Which features those
are is the caller's choice: sherpa-onnx computes its own for this layout (Kaldi fbank without snip edges, 20-7600 Hz,
samples x 32768, dither 1), this project's `SherpaOnnxFbankConfig.forWenetCtc()` the same without the dither.

    /usr/bin/python3 asr-model/training/tools/export_wenet_layout.py [--model DIR] --out DIR
"""
import argparse
import os

import onnx

RENAMES = {"features": "x", "feature_lengths": "x_lens", "log_prob_lengths": "log_probs_lens"}


def rename(graph):
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        value.name = RENAMES.get(value.name, value.name)
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = RENAMES.get(name, name)
        for i, name in enumerate(node.output):
            node.output[i] = RENAMES.get(name, name)


def read_tokens(path):
    tokens = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ")
            tokens.append(parts[0] if parts[0] else " ")
    return tokens


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="asr-model/models/conformer-ctc-small",
                        help="folder with this project's model.onnx and tokens.txt")
    parser.add_argument("--out", required=True, help="folder to write model.onnx and units.txt to")
    args = parser.parse_args()

    model = onnx.load(os.path.join(args.model, "model.onnx"))   # external weights are read from beside it
    meta = {p.key: p.value for p in model.metadata_props}
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs[:2] != ["features", "feature_lengths"] or outputs[:2] != ["log_probs", "log_prob_lengths"]:
        raise SystemExit(f"{args.model}/model.onnx: expected inputs features, feature_lengths and outputs "
                         f"log_probs, log_prob_lengths (this project's export), got {inputs} and {outputs}")
    tokens = read_tokens(os.path.join(args.model, "tokens.txt"))
    blank = int(meta.get("blank_id", "0"))
    if blank != 0:
        raise SystemExit(f"WeNet's layout puts the blank first; this model's blank_id is {blank}")
    rename(model.graph)
    del model.metadata_props[:]
    for key, value in {"model_type": "wenet_ctc", "version": "1", "model_author": "coda-asr",
                       "comment": "non-streaming; exported from " + meta.get("version", "?"),
                       "subsampling_factor": meta["subsampling_factor"], "vocab_size": str(len(tokens))}.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    for tensor in model.graph.initializer:
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            raise SystemExit("an initializer stayed external; onnx.load did not read " + tensor.name)
    os.makedirs(args.out, exist_ok=True)
    onnx.save(model, os.path.join(args.out, "model.onnx"))
    with open(os.path.join(args.out, "units.txt"), "w", encoding="utf-8") as f:
        for i, token in enumerate(tokens):
            f.write(f"{'<blank>' if i == blank else token} {i}\n")
    print(f"{args.out}: WeNet CTC layout of {args.model} ({len(tokens)} tokens, subsampling "
          f"{meta['subsampling_factor']})")


if __name__ == "__main__":
    main()
