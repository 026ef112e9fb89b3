"""Embedding with the shipped int8 backbone (models/minilm-l6-v2/model.onnx), cached on disk.

The cache lives in training-semantic/.cache/emb/<first 16 hex of the backbone sha256>/ (gitignored):
keys.json (sha256 of each exact text) + vectors.npy (float32 [n, 384]). Texts are embedded one
length-sorted batch at a time; the backbone is batch-independent (see its manifest), so the cache
holds the same vector the runtime computes for a text alone.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time

import numpy as np
import onnxruntime as ort

from common import BACKBONE_DIR, CACHE, EMBED_DIM, THREADS, load_tokenizer, sha256_file


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Embedder:
    def __init__(self, batch_size: int = 32):
        self.model = BACKBONE_DIR / "model.onnx"
        self.sha = sha256_file(self.model)
        so = ort.SessionOptions()
        so.intra_op_num_threads = THREADS
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(str(self.model), so, providers=["CPUExecutionProvider"])
        self.tok = load_tokenizer()
        self.bs = batch_size
        self.dir = CACHE / "emb" / self.sha[:16]
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index: dict[str, int] = {}
        self.vecs = np.zeros((0, EMBED_DIM), dtype=np.float32)
        if (self.dir / "keys.json").exists():
            keys = json.loads((self.dir / "keys.json").read_text())
            self.vecs = np.load(self.dir / "vectors.npy")
            assert len(keys) == len(self.vecs)
            self.index = {k: i for i, k in enumerate(keys)}
        self.seconds = 0.0
        self.computed = 0

    def _save(self):
        keys = [None] * len(self.index)
        for k, i in self.index.items():
            keys[i] = k
        np.save(self.dir / "vectors.npy.tmp.npy", self.vecs)
        (self.dir / "vectors.npy.tmp.npy").replace(self.dir / "vectors.npy")
        (self.dir / "keys.json").write_text(json.dumps(keys))

    def run_batch(self, texts: list[str]) -> np.ndarray:
        encs = self.tok.encode_batch(texts)
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(texts), n), dtype=np.int64)
        mask = np.zeros((len(texts), n), dtype=np.int64)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        return self.sess.run(["embedding"], {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]

    def embed(self, texts: list[str], label: str = "") -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = {}
        for t, k in zip(texts, keys):
            if k not in self.index and k not in missing:
                missing[k] = t
        if missing:
            todo = sorted(missing.items(), key=lambda kv: len(kv[1]))
            t0 = time.time()
            new = np.zeros((len(todo), EMBED_DIM), dtype=np.float32)
            last = t0
            for s in range(0, len(todo), self.bs):
                new[s: s + self.bs] = self.run_batch([t for _, t in todo[s: s + self.bs]])
                if time.time() - last > 30:
                    last = time.time()
                    print(f"  [{label}] embedded {s + self.bs}/{len(todo)} ({(s + self.bs) / (last - t0):.0f}/s)",
                          file=sys.stderr, flush=True)
            base = len(self.vecs)
            self.vecs = np.concatenate([self.vecs, new])
            for j, (k, _) in enumerate(todo):
                self.index[k] = base + j
            self._save()
            dt = time.time() - t0
            self.seconds += dt
            self.computed += len(todo)
            print(f"  [{label}] embedded {len(todo)} new texts in {dt:.0f}s ({len(todo) / max(dt, 1e-9):.0f}/s); "
                  f"{len(texts) - len(todo)} from cache", file=sys.stderr, flush=True)
        return self.vecs[[self.index[k] for k in keys]]
