"""Tools around the recipe, run by hand (not by run.sh's stages, except the ONNX Runtime check of stage 5): analysis
and diagnostics, the data-source ablation, rebuilding a checkpoint from a shipped model, fixtures for the Java tests,
and preparing a transfer to a remote GPU host. Python tools import the recipe's `local` package, so run them as
modules from the recipe folder:

  cd asr-model/training && python3 -m tools.coda_ceiling --backbone runs/backbone/shipped.pt --skip 0.2,0.75
"""
