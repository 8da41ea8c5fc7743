"""Shared code of the conformer-CTC / CoDA training recipe (asr-model/training/).

The recipe's entry scripts (train.py, train_coda.py, prepare_data.py, export_onnx.py, ...) sit next to this package
and import from it (`from local import model`); the tools in ../tools/ are run as modules from the recipe folder
(`python3 -m tools.coda_ceiling ...`). Nothing here is a script.

  paths       recipe folder, repository root, default data and dev folders
  features    audio loading and THE fbank function (the Java runtime re-implements it bit-for-bit)
  tokens      vocabularies (characters, SentencePiece word pieces), text normalisation, greedy CTC, WER / CER
  data        cached-feature datasets, length-bucketed batches, padding, the dev set
  model       ConformerConfig, ConformerCTC, ONNX metadata and export wrapper
  coda        CoDA routers + parallel adapters on a frozen ConformerCTC
  checkpoint  train.py checkpoints: save, find, resolve, load a dense backbone
  training    device / autocast choice, run logger, SpecAugment
  evaluation  greedy dev WER (batched; and one utterance at a time with KL against a reference)
  sentences   the book-text sentence list for synthetic speech
  bench       speed-table helpers shared by the GPU benchmarks
"""
