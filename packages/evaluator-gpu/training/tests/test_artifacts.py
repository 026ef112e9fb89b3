"""Checks the committed artefacts against the Python code (no datasets needed):
    .venv/bin/python -m pytest -q tests   (pytest is not in requirements.txt; `pip install pytest`)
or  .venv/bin/python tests/test_artifacts.py
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from anansi_training.featurizer import BUCKETS, featurize  # noqa: E402
from anansi_training.train import onnx_predict, session  # noqa: E402
from anansi_training.windows import MAX_WINDOW, NAME as WINDOWS_NAME, split_windows  # noqa: E402

PKG = Path(__file__).resolve().parents[2]


def test_featurizer_fixture():
    fx = json.loads((PKG / "fixtures" / "featurizer-parity.json").read_text(encoding="utf-8"))
    assert fx["buckets"] == BUCKETS
    for case in fx["cases"]:
        got = [[i, c] for i, c in sorted(featurize(case["text"]).items())]
        assert got == case["features"], case["text"][:40]


def test_model_fixture_and_manifests():
    fx = json.loads((PKG / "fixtures" / "model-parity.json").read_text(encoding="utf-8"))
    total = 0
    for name, m in fx["models"].items():
        path = PKG / "models" / name / "model.onnx"
        blob = path.read_bytes()
        total += len(blob)
        man = json.loads((PKG / "models" / name / "manifest.json").read_text(encoding="utf-8"))
        assert hashlib.sha256(blob).hexdigest() == man["sha256"] == m["sha256"]
        assert man["bytes"] == len(blob)
        p = onnx_predict(session(str(path)), [c["text"] for c in m["cases"]])
        exp = np.array([c["probabilities"] for c in m["cases"]], dtype=np.float32)
        assert np.abs(p - exp).max() < 1e-5, name
    assert total <= 12 * 1024 * 1024


def test_window_fixture():
    fx = json.loads((PKG / "fixtures" / "window-parity.json").read_text(encoding="utf-8"))
    man = json.loads((PKG / "models" / "indirect_injection" / "manifest.json").read_text(encoding="utf-8"))
    assert fx["windowing"] == WINDOWS_NAME == man["windowing"]["name"]
    assert fx["max_window"] == MAX_WINDOW == man["windowing"]["max_window"]
    for case in fx["cases"]:
        t = case["text"]
        got = [t[s:e] for s, e in split_windows(t)]
        assert got == [w[2] for w in case["windows"]], t[:40]


if __name__ == "__main__":
    test_featurizer_fixture()
    test_model_fixture_and_manifests()
    test_window_fixture()
    print("3 passed, 0 failed")
