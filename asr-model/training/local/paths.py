"""Folders the recipe resolves its defaults against (all relative to this checkout, never machine paths)."""
import os

RECIPE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # asr-model/training
REPO = os.path.abspath(os.path.join(RECIPE_DIR, "..", ".."))
DATA_DIR = os.path.join(RECIPE_DIR, "data")  # prepare_data.py output (git-ignored)
DEV_DIR = os.path.abspath(os.path.join(REPO, "..", "shared", "data", "librispeech", "LibriSpeech", "test-other"))
