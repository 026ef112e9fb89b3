"""Train the semantic-tier task heads on frozen int8 MiniLM embeddings and export them to ONNX.

    python train_heads.py [--task jailbreak|toxicity|harmful_request|bias|hallucination-grounding ...]

Per task: load records with the shared loaders/split (training/anansi_training/data.py), subsample
(deterministic), embed (cached), fit logistic regression and a 1-hidden-layer MLP per label (choice and
hyper-parameters on validation AUPRC), export one tiny ONNX model (no ZipMap, tensor output),
choose thresholds on validation (max F1, computed with the ONNX model), score the held-out eval file
(eval-data/semantic-<task>.heldout.jsonl, <= 2 MB) with the ONNX model, write the manifest.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict

import common  # noqa: F401  (env first)
from common import (BACKBONE_ID, DATASETS, EMBED_DIM, EVAL_DATA, HERE, MODELS, PKG, SEED, sha256_file, write_json)

sys.path.insert(0, str(PKG / "training"))
from anansi_training import data as shared  # noqa: E402  (the lexical tier's loaders and split)
from anansi_training.train import FPR_BUDGET, bias_fairness, fpr_budget_threshold  # noqa: E402  (shared with the lexical tier)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from embed import Embedder  # noqa: E402

EVAL_MAX_BYTES = 2_000_000  # hard cap per file; per-task budgets below keep all semantic artefacts <= 28 MB
EVAL_BUDGET = {"toxicity": 900_000, "jailbreak": 650_000, "hallucination-grounding": 550_000, "harmful_request": 400_000, "bias": 700_000}
OPSET = 17

TASKS = {
    "jailbreak": dict(shared="jailbreak", loader_kwargs=dict(include_bipia=False), labels=["jailbreak"], primary="jailbreak",
                      train_cap=30000, val_cap=8000, fpr_budget=FPR_BUDGET["jailbreak"],
                      description="prompt is a jailbreak / direct or indirect prompt injection"),
    "toxicity": dict(shared="toxicity", labels=["toxic", "hate", "offensive", "threat", "sexual"], primary="toxic",
                     train_cap=30000, val_cap=8000, keep_rare=["threat", "sexual"],
                     description="text is toxic (hate, offensive/abusive, threat, sexual harassment)"),
    "harmful_request": dict(shared="harmful_request", labels=["harmful"], primary="harmful", train_cap=30000,
                            negative_weights={"harmful_behaviors/xstest": 5.0}, fpr_budget=FPR_BUDGET["harmful_request"],
                            val_cap=8000, description="request asks for harmful assistance a model should refuse"),
    "bias": dict(shared="bias", labels=["bias"], primary="bias", train_cap=30000, val_cap=8000,
                 negative_weights={"toxicity/toxigen": 3.0},
                 description="text stereotypes or demeans a group (generalisation about people by identity)"),
    "hallucination-grounding": dict(shared=None, labels=["unsupported"], primary="unsupported", train_cap=30000,
                                    val_cap=8000, description="ANSWER sentence is not supported by (or contradicts) the CONTEXT"),
}


def u32(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8")).hexdigest()[:8], 16)


# ----------------------------------------------------------------------------------------------
# Grounding pairs (own loader; same split rule and the same split keys as the lexical
# hallucination task: TruthfulQA by question, HaluEval by query + "\n" + response)
# ----------------------------------------------------------------------------------------------
def load_grounding() -> list[dict]:
    R = []
    with open(DATASETS / "hallucination/truthfulqa/TruthfulQA.csv", encoding="utf-8", newline="") as f:
        for d in csv.DictReader(f):
            q = d["Question"].strip()
            best = d["Best Answer"].strip()
            good = {a.strip() for a in d["Correct Answers"].split(";") if a.strip()} | {best}
            bad = {a.strip() for a in d["Incorrect Answers"].split(";") if a.strip()} | {d["Best Incorrect Answer"].strip()}
            key = "tqa:" + q
            # (a) evidence variant: the context states the reference answer; other true answers are
            #     supported, false answers contradict it
            ctx = f"{q}\n{best}"
            for a in sorted(good - bad - {best}):
                R.append(dict(context=ctx, answer=a, labels={"unsupported": 0}, source="hallucination/truthfulqa:evidence", split_key=key))
            for a in sorted(bad - good):
                R.append(dict(context=ctx, answer=a, labels={"unsupported": 1}, source="hallucination/truthfulqa:evidence", split_key=key))
            # (b) question-only variant: context = the question (weak: truth is not in the context)
            for a in sorted(good - bad):
                R.append(dict(context=q, answer=a, labels={"unsupported": 0}, source="hallucination/truthfulqa:question", split_key=key))
            for a in sorted(bad - good):
                R.append(dict(context=q, answer=a, labels={"unsupported": 1}, source="hallucination/truthfulqa:question", split_key=key))
    with open(DATASETS / "hallucination/halueval/general_data.json", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            R.append(dict(context=d["user_query"], answer=d["chatgpt_response"],
                          labels={"unsupported": int(d["hallucination"] == "yes")}, source="hallucination/halueval",
                          split_key=d["user_query"] + "\n" + d["chatgpt_response"]))
    seen, out = set(), []
    for r in R:
        k = (shared.normalize(r["context"]), shared.normalize(r["answer"]))
        if k in seen or not k[1]:
            continue
        seen.add(k)
        r["split"] = shared.split_of(r["split_key"])
        out.append(r)
    return out


def pair_features(ec: np.ndarray, ea: np.ndarray) -> np.ndarray:
    """[e_ctx, e_ans, |e_ctx - e_ans|, e_ctx * e_ans] -> float32 [n, 1536] (this exact order)."""
    return np.concatenate([ec, ea, np.abs(ec - ea), ec * ea], axis=1).astype(np.float32)


# ----------------------------------------------------------------------------------------------
def source_id(src: str) -> str:
    return shared.source_info(src.split(":")[0])["id"]


def subsample(recs: list[dict], cap: int, primary: str, salt: str, keep_rare=()) -> list[dict]:
    """Deterministic stratified subsample: every record positive for a keep_rare label is kept, the
    rest is filled proportionally per (source, primary label) stratum in sha256(salt + text) order."""
    if len(recs) <= cap:
        return recs
    keep = [r for r in recs if any(r["labels"].get(l) == 1 for l in keep_rare)]
    rest = [r for r in recs if not any(r["labels"].get(l) == 1 for l in keep_rare)]
    budget = cap - len(keep)
    strata = defaultdict(list)
    for r in rest:
        strata[(r["source"], r["labels"].get(primary))].append(r)
    frac = budget / len(rest)
    out = list(keep)
    for k in sorted(strata, key=str):
        items = sorted(strata[k], key=lambda r: u32(salt + "\x00" + text_of(r)))
        out.extend(items[: max(1, round(len(items) * frac))])
    return out


def text_of(r: dict) -> str:
    return r["text"] if "text" in r else r["context"] + "\x00" + r["answer"]


def eval_line(r: dict, labels: list[str]) -> str:
    lab = {l: r["labels"].get(l) for l in labels}
    if "text" in r:
        obj = {"text": r["text"], "labels": lab, "source": r["source"]}
        if r.get("group"):  # the per-group false-positive rates of the bias head
            obj["group"] = r["group"]
    else:
        obj = {"context": r["context"], "answer": r["answer"], "labels": lab, "source": r["source"]}
    return json.dumps(obj, ensure_ascii=False)


def select_eval(heldout: list[dict], labels: list[str], primary: str, budget: int = EVAL_MAX_BYTES) -> tuple[list[dict], dict]:
    """Held-out records of redistributable sources; if the file would exceed 2 MB, a deterministic
    stratified (source x primary label) subsample with the largest fraction that fits."""
    red = [r for r in heldout if shared.source_info(source_id(r["source"]))["redistribute"]]
    red.sort(key=lambda r: u32("eval\x00" + text_of(r)))
    size = lambda rs: sum(len(eval_line(r, labels).encode("utf-8")) + 1 for r in rs)
    info = {"heldout_records": len(heldout), "redistributable": len(red), "fraction": 1.0}
    info["budget_bytes"] = budget
    if size(red) <= budget:
        return red, info
    strata = defaultdict(list)
    for r in red:
        strata[(r["source"], r["labels"].get(primary))].append(r)

    def take(frac):
        out = []
        for k in sorted(strata, key=str):
            out.extend(strata[k][: max(1, int(len(strata[k]) * frac))])
        return out
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = (lo + hi) / 2
        if size(take(mid)) <= budget:
            lo = mid
        else:
            hi = mid
    out = take(lo)
    out.sort(key=lambda r: u32("eval\x00" + text_of(r)))
    info["fraction"] = round(lo, 4)
    info["method"] = "per (source, primary label) stratum: the first floor(n*fraction) (min 1) records in sha256('eval\\0'+text) order"
    return out, info


# ----------------------------------------------------------------------------------------------
# Heads
# ----------------------------------------------------------------------------------------------
def fit_label(Xtr, ytr, Xva, yva, seed, wtr=None):
    """Standardise, then try logistic regression (C grid) and 1-hidden-layer MLPs; keep the best on
    validation AUPRC. Returns the chosen model's standardisation and float32 weights."""
    mu = Xtr.mean(0)
    sd = Xtr.std(0) + 1e-6
    Ztr, Zva = (Xtr - mu) / sd, (Xva - mu) / sd
    cands = []
    for C in (0.01, 0.1, 1.0):
        m = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed).fit(Ztr, ytr, sample_weight=wtr)
        p = m.predict_proba(Zva)[:, 1]
        cands.append((average_precision_score(yva, p), f"logreg(C={C}, class_weight=balanced)", "logreg", m))
    for hidden, alpha in ((128, 1e-3), (128, 1e-1)):
        m = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", alpha=alpha, batch_size=256,
                          learning_rate_init=1e-3, max_iter=200, early_stopping=True, validation_fraction=0.1,
                          n_iter_no_change=10, random_state=seed).fit(Ztr, ytr, sample_weight=wtr)
        p = m.predict_proba(Zva)[:, 1]
        cands.append((average_precision_score(yva, p), f"mlp(hidden={hidden}, relu, alpha={alpha}, adam, early_stopping)", "mlp", m))
    for ap, desc, _, _ in cands:
        print(f"    val AUPRC {ap:.4f}  {desc}", file=sys.stderr)
    ap, desc, kind, m = max(cands, key=lambda c: c[0])
    # the standardisation stays explicit (float32 Sub/Mul) so that the float16 weight matrices are
    # well scaled (folding 1/sd into W overflows float16 for near-constant dimensions)
    if kind == "logreg":
        layers = [(m.coef_.T.astype(np.float32), m.intercept_.astype(np.float32))]
    else:
        layers = [(m.coefs_[0].astype(np.float32), m.intercepts_[0].astype(np.float32)),
                  (m.coefs_[1].astype(np.float32), m.intercepts_[1].astype(np.float32))]
    pre = (mu.astype(np.float32), (1.0 / sd).astype(np.float32))
    return dict(kind=kind, desc=desc, val_auprc=float(ap), layers=layers, pre=pre,
                candidates=[{"model": d, "val_auprc": round(float(a), 4)} for a, d, _, _ in cands])


def build_onnx(heads: list[dict], labels: list[str], in_name: str, in_dim: int, name: str) -> onnx.ModelProto:
    nodes, inits, outs = [], [], []
    for li, (lab, h) in enumerate(zip(labels, heads)):
        mu, inv_sd = h["pre"]
        inits += [numpy_helper.from_array(mu, f"{lab}_mean"), numpy_helper.from_array(inv_sd, f"{lab}_inv_std")]
        nodes += [helper.make_node("Sub", [in_name, f"{lab}_mean"], [f"{lab}_centred"]),
                  helper.make_node("Mul", [f"{lab}_centred", f"{lab}_inv_std"], [f"{lab}_std"])]
        x = f"{lab}_std"
        for k, (W, b) in enumerate(h["layers"]):
            wn, bn = f"{lab}_W{k}", f"{lab}_b{k}"
            # weight matrices stored as float16 (halves the file) and cast to float32 inside the graph;
            # biases stay float32
            inits += [numpy_helper.from_array(W.astype(np.float16), wn + "_f16"),
                      numpy_helper.from_array(b.reshape(-1).astype(np.float32), bn)]
            nodes += [helper.make_node("Cast", [wn + "_f16"], [wn], to=TensorProto.FLOAT)]
            mm, y = f"{lab}_mm{k}", f"{lab}_z{k}"
            nodes += [helper.make_node("MatMul", [x, wn], [mm]), helper.make_node("Add", [mm, bn], [y])]
            x = y
            if k < len(h["layers"]) - 1:
                nodes.append(helper.make_node("Relu", [x], [f"{lab}_h{k}"]))
                x = f"{lab}_h{k}"
        nodes.append(helper.make_node("Sigmoid", [x], [f"{lab}_p"]))
        outs.append(f"{lab}_p")
    if len(outs) == 1:
        nodes.append(helper.make_node("Identity", outs, ["probabilities"]))
    else:
        nodes.append(helper.make_node("Concat", outs, ["probabilities"], axis=1))
    g = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, ["batch", in_dim])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", len(labels)])],
        inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="anansi-training-semantic")
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def run_onnx(path, X, in_name):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    s = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    return s.run(["probabilities"], {in_name: X.astype(np.float32)})[0]


def best_threshold(y, p):
    prec, rec, thr = precision_recall_curve(y, p)
    f1 = 2 * prec[:-1] * rec[:-1] / np.maximum(prec[:-1] + rec[:-1], 1e-12)
    i = int(np.nanargmax(f1))
    return float(thr[i])


def metrics(y, p, t):
    y = np.asarray(y)
    pred = p >= t
    tp = int(((pred == 1) & (y == 1)).sum()); fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum()); tn = int(((pred == 0) & (y == 0)).sum())
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    both = len(set(y.tolist())) == 2
    return {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(2 * pr * rc / (pr + rc), 4) if pr + rc else 0.0,
            "false_positive_rate": round(fp / (fp + tn), 4) if fp + tn else None,
            "auroc": round(float(roc_auc_score(y, p)), 4) if both else None,
            "auprc": round(float(average_precision_score(y, p)), 4) if both else None,
            "support": int(y.sum()), "n": int(len(y)), "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def per_source(recs, P, labels, thresholds):
    out = {}
    by = defaultdict(list)
    for i, r in enumerate(recs):
        by[r["source"]].append(i)
    for src in sorted(by):
        idx = by[src]
        d = {}
        for j, lab in enumerate(labels):
            ii = [i for i in idx if recs[i]["labels"].get(lab) is not None]
            if not ii:
                continue
            y = np.array([recs[i]["labels"][lab] for i in ii]); p = P[ii, j]
            pos, neg = y == 1, y == 0
            d[lab] = {"n": len(ii), "support": int(pos.sum()),
                      "recall": round(float((p[pos] >= thresholds[lab]).mean()), 4) if pos.any() else None,
                      "false_positive_rate": round(float((p[neg] >= thresholds[lab]).mean()), 4) if neg.any() else None,
                      "auroc": round(float(roc_auc_score(y, p)), 4) if pos.any() and neg.any() else None}
        out[src] = d
    return out


def label_metrics(recs, P, labels, thresholds):
    res = {}
    for j, lab in enumerate(labels):
        ii = [i for i, r in enumerate(recs) if r["labels"].get(lab) is not None]
        if ii:
            res[lab] = metrics([recs[i]["labels"][lab] for i in ii], P[ii, j], thresholds[lab])
    return res


# ----------------------------------------------------------------------------------------------
def window_scores(emb: Embedder, model_path, texts: list[str], win: int = 128, stride: int = 64) -> np.ndarray:
    """Max head probability over sliding windows of `win` WordPiece tokens (stride `stride`), each
    window embedded as [CLS] window [SEP]. Returns [n] probabilities."""
    from tokenizers import Tokenizer
    raw = Tokenizer.from_file(str(emb.model.parent / "tokenizer.json"))
    raw.no_truncation(); raw.no_padding()
    items = []  # (record index, ids)
    for i, t in enumerate(texts):
        ids = raw.encode(t, add_special_tokens=False).ids
        starts = list(range(0, max(1, len(ids) - win + stride), stride))
        for s0 in starts:
            items.append((i, [101] + ids[s0: s0 + win] + [102]))
    items.sort(key=lambda it: len(it[1]))
    E = np.zeros((len(items), EMBED_DIM), dtype=np.float32)
    for s0 in range(0, len(items), 32):
        chunk = items[s0: s0 + 32]
        n = max(len(c[1]) for c in chunk)
        ids = np.zeros((len(chunk), n), dtype=np.int64); mask = np.zeros_like(ids)
        for j, (_, w) in enumerate(chunk):
            ids[j, : len(w)] = w; mask[j, : len(w)] = 1
        E[s0: s0 + len(chunk)] = emb.sess.run(["embedding"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
    P = run_onnx(model_path, E, "embedding")[:, 0]
    out = np.zeros(len(texts), dtype=np.float32)
    for (i, _), p in zip(items, P):
        out[i] = max(out[i], p)
    return out, len(items)


def bipia_stress(emb: Embedder, model_path, thr: float) -> dict:
    """BIPIA indirect injection (not in training): whole-text score vs max over 128-token windows."""
    rows, _ = shared.dedupe(shared.load_bipia())
    y = np.array([r["labels"]["jailbreak"] for r in rows])
    texts = [r["text"] for r in rows]
    t0 = time.time()
    whole = run_onnx(model_path, emb.embed(texts, "bipia"), "embedding")[:, 0]
    t1 = time.time()
    win, nwin = window_scores(emb, model_path, texts)
    t2 = time.time()
    out = {"records": len(rows), "note": "BIPIA clean contexts (0) and the same contexts with one BIPIA attack inserted (1); same record set as eval-data/jailbreak.bipia.jsonl (the lexical tier's stress file); never used for training or thresholds. At thresholds.jailbreak.",
           "whole_text_truncated_256": metrics(y, whole, thr),
           "max_over_windows_128_stride_64": metrics(y, win, thr) | {"windows": nwin, "seconds": round(t2 - t1, 1)}}
    for kind in ("email", "table", "code"):
        ii = [i for i, r in enumerate(rows) if r["source"].endswith(kind)]
        out[f"per_kind:{kind}"] = {"whole_auroc": round(float(roc_auc_score(y[ii], whole[ii])), 4),
                                   "windows_auroc": round(float(roc_auc_score(y[ii], win[ii])), 4)}
    print(f"  bipia stress: {json.dumps(out)[:600]}", file=sys.stderr)
    return out


def train_task(task: str, emb: Embedder) -> dict:
    spec = TASKS[task]
    labels, primary = spec["labels"], spec["primary"]
    t0 = time.time()
    print(f"== {task}", file=sys.stderr)
    if spec["shared"]:
        recs, dstats = shared.load_task(spec["shared"], with_stats=True, **spec.get("loader_kwargs", {}))
        recs = [r for r in recs if any(r["labels"].get(l) is not None for l in labels)]
    else:
        recs, dstats = load_grounding(), None
    split = defaultdict(list)
    for r in recs:
        split[r["split"]].append(r)
    train = subsample(split["train"], spec["train_cap"], primary, f"train:{task}", spec.get("keep_rare", ()))
    val = subsample(split["validation"], spec["val_cap"], primary, f"val:{task}", spec.get("keep_rare", ()))
    ev, ev_info = select_eval(split["heldout"], labels, primary, EVAL_BUDGET[task])
    heldout_all = split["heldout"] if len(split["heldout"]) <= 12000 else None  # toxicity: eval file only
    print(f"  records {len(recs)}; train {len(train)}/{len(split['train'])}, val {len(val)}/{len(split['validation'])}, "
          f"eval file {len(ev)}/{len(split['heldout'])}", file=sys.stderr)

    is_pair = "text" not in recs[0]
    in_name, in_dim = ("pair_features", 4 * EMBED_DIM) if is_pair else ("embedding", EMBED_DIM)

    def X(rs, tag):
        if is_pair:
            return pair_features(emb.embed([r["context"] for r in rs], tag + ":ctx"), emb.embed([r["answer"] for r in rs], tag + ":ans"))
        return emb.embed([r["text"] for r in rs], tag)
    t_emb = emb.seconds
    Xtr, Xva, Xev = X(train, "train"), X(val, "val"), X(ev, "eval")
    Xha = X(heldout_all, "heldout") if heldout_all is not None else None
    emb_secs = emb.seconds - t_emb

    t_fit = time.time()
    heads = []
    for lab in labels:
        itr = [i for i, r in enumerate(train) if r["labels"].get(lab) is not None]
        iva = [i for i, r in enumerate(val) if r["labels"].get(lab) is not None]
        ytr = np.array([train[i]["labels"][lab] for i in itr]); yva = np.array([val[i]["labels"][lab] for i in iva])
        print(f"  label {lab}: train {len(itr)} ({ytr.sum()} pos), val {len(iva)} ({yva.sum()} pos)", file=sys.stderr)
        wtr = None
        if spec.get("negative_weights"):
            wtr = np.array([spec["negative_weights"].get(train[i]["source"], 1.0) if train[i]["labels"][lab] == 0 else 1.0 for i in itr])
        h = fit_label(Xtr[itr], ytr, Xva[iva], yva, SEED, wtr)
        h.update(train_n=len(itr), train_pos=int(ytr.sum()), val_n=len(iva), val_pos=int(yva.sum()))
        heads.append(h)
    fit_secs = time.time() - t_fit

    out_dir = MODELS / f"semantic-{task}"
    out_dir.mkdir(parents=True, exist_ok=True)
    model = build_onnx(heads, labels, in_name, in_dim, f"semantic_{task.replace('-', '_')}")
    onnx.save(model, str(out_dir / "model.onnx"))

    # parity: exported ONNX vs a float64 numpy forward of the same (float16-stored) weights
    def np_forward(Xm):
        cols = []
        for h in heads:
            z = (Xm.astype(np.float64) - h["pre"][0].astype(np.float64)) * h["pre"][1].astype(np.float64)
            for k, (W, b) in enumerate(h["layers"]):
                z = z @ W.astype(np.float16).astype(np.float64) + b.astype(np.float64)
                if k < len(h["layers"]) - 1:
                    z = np.maximum(z, 0)
            cols.append(1 / (1 + np.exp(-z[:, 0])))
        return np.stack(cols, 1)
    Pva = run_onnx(out_dir / "model.onnx", Xva, in_name)
    parity = float(np.abs(Pva - np_forward(Xva)).max())
    assert np.isfinite(Pva).all() and parity < 1e-4, parity
    # float16 storage vs the float32 fitted weights: the effect of the rounding on validation AUPRC
    for j, (lab, h) in enumerate(zip(labels, heads)):
        iva = [i for i, r in enumerate(val) if r["labels"].get(lab) is not None]
        h["onnx_val_auprc"] = float(average_precision_score([val[i]["labels"][lab] for i in iva], Pva[iva, j]))
        assert abs(h["onnx_val_auprc"] - h["val_auprc"]) < 0.005, (lab, h["onnx_val_auprc"], h["val_auprc"])

    thresholds = {}
    operating_points = {}
    for j, lab in enumerate(labels):
        iva = [i for i, r in enumerate(val) if r["labels"].get(lab) is not None]
        yv = np.array([val[i]["labels"][lab] for i in iva])
        thresholds[lab] = round(best_threshold(yv, Pva[iva, j]), 4)
        if spec.get("fpr_budget"):
            operating_points[lab] = {"max_f1_on_validation": thresholds[lab]}
            thresholds[lab] = fpr_budget_threshold(yv, Pva[iva, j], spec["fpr_budget"])
            operating_points[lab][f"fpr_budget_{spec['fpr_budget']}"] = thresholds[lab]

    # eval file + metrics on exactly it
    EVAL_DATA.mkdir(parents=True, exist_ok=True)
    eval_path = EVAL_DATA / f"semantic-{task}.heldout.jsonl"
    with open(eval_path, "w", encoding="utf-8") as f:
        for r in ev:
            f.write(eval_line(r, labels) + "\n")
    assert eval_path.stat().st_size <= EVAL_MAX_BYTES
    Pev = run_onnx(out_dir / "model.onnx", Xev, in_name)
    met = {"heldout": label_metrics(ev, Pev, labels, thresholds)}
    met["heldout"]["per_source"] = per_source(ev, Pev, labels, thresholds)
    met["validation"] = label_metrics(val, Pva, labels, thresholds)
    if Xha is not None:
        Pha = run_onnx(out_dir / "model.onnx", Xha, in_name)
        met["heldout_all_sources"] = label_metrics(heldout_all, Pha, labels, thresholds)
        met["heldout_all_sources"]["note"] = "the whole held-out split, including records of sources not redistributed in the eval file"
    if task == "harmful_request":
        xs = [i for i, r in enumerate(ev) if r["source"] == "harmful_behaviors/xstest" and r["labels"]["harmful"] == 0]
        met["xstest_safe_heldout"] = {"n": len(xs), "false_positive_rate": round(float((Pev[xs, 0] >= thresholds["harmful"]).mean()), 4),
                                      "note": "XSTest 'safe' prompts (should be answered; they resemble unsafe requests) in the eval file"}
    if task == "jailbreak":
        for src in ("harmful_behaviors/xstest", "benign_prompts/notinject"):
            xs = [i for i, r in enumerate(ev) if r["source"] == src and r["labels"]["jailbreak"] == 0]
            met[f"false_positive_rate:{src}"] = {"n": len(xs), "false_positive_rate": round(float((Pev[xs, 0] >= thresholds["jailbreak"]).mean()), 4)}

    if task == "jailbreak":
        met["bipia_stress"] = bipia_stress(emb, out_dir / "model.onnx", thresholds["jailbreak"])
    if task == "bias":
        def score(texts: list[str]) -> np.ndarray:
            return run_onnx(out_dir / "model.onnx", emb.embed(texts, "crows-pairs"), in_name)[:, 0]
        met.update(bias_fairness(ev, Pev[:, 0], thresholds["bias"], score))

    # provenance
    used = Counter()
    for r in train + val + (heldout_all if heldout_all is not None else ev):
        used[source_id(r["source"])] += 1
    datasets = []
    for sid in sorted(used):
        info = shared.SOURCES[sid]
        datasets.append({"path": sid, "records_used": used[sid], "license": info["license"], "attribution": info["attribution"],
                         "in_eval_data": bool(info["redistribute"])})
    mf = {
        "name": f"semantic-{task}",
        "version": "1.0.0",
        "task": task,
        "tier": "semantic",
        "description": spec["description"],
        "backbone": BACKBONE_ID,
        "backbone_sha256": emb.sha,
        "architecture": {lab: h["desc"] for lab, h in zip(labels, heads)},
        "architecture_note": "per label: standardisation (x - mean) * inv_std in float32, then logistic regression = MatMul+Add+Sigmoid, MLP = MatMul+Add+Relu+MatMul+Add+Sigmoid with weight matrices stored as float16 initializers and Cast to float32 in the graph (biases, means and inv_std float32); labels concatenated on axis 1. Chosen per label by validation AUPRC among the candidates listed under training.candidates",
        "input": ({"name": "pair_features", "dtype": "float32", "shape": ["batch", 4 * EMBED_DIM],
                   "construction": "c = backbone embedding of the CONTEXT text, a = backbone embedding of the ANSWER sentence (each the L2-normalised 384-d output 'embedding' of minilm-l6-v2, each text tokenized and truncated to 256 tokens on its own); pair_features = concat(c, a, abs(c - a), c * a) along the feature axis: indices 0-383 = c, 384-767 = a, 768-1151 = |c_i - a_i|, 1152-1535 = c_i * a_i"}
                  if is_pair else
                  {"name": "embedding", "dtype": "float32", "shape": ["batch", EMBED_DIM],
                   "construction": "the 'embedding' output of minilm-l6-v2 for the text (L2-normalised, 256-token truncation)"}),
        "output": {"name": "probabilities", "dtype": "float32", "shape": ["batch", len(labels)], "activation": "sigmoid (per label, independent)", "labels": labels},
        "labels": labels,
        "primary_label": primary,
        "decision": "label is positive when probability >= thresholds[label]",
        "thresholds": thresholds,
        "threshold_method": (f"the lowest probability threshold whose false-positive rate on the validation negatives is at most {spec['fpr_budget']} (a blocking evaluator: benign traffic dominates), computed with the exported ONNX model; operating_points lists the max-F1 alternative"
                             if spec.get("fpr_budget") else "per label, the probability threshold maximising F1 on the validation split (computed with the exported ONNX model)"),
        "operating_points": operating_points or None,
        "file": "model.onnx",
        "sha256": sha256_file(out_dir / "model.onnx"),
        "bytes": (out_dir / "model.onnx").stat().st_size,
        "opset": OPSET,
        "parity": {"onnx_vs_float64_numpy_max_abs": parity},
        "training": {
            "datasets": datasets,
            "datasets_root": "shared/datasets (paths relative to it)",
            "loader": ("packages/evaluator-gpu/training/anansi_training/data.py load_task('%s') (shared with the lexical tier), sha256 %s" % (spec["shared"], sha256_file(PKG / "training/anansi_training/data.py")))
                      if spec["shared"] else "training-semantic/train_heads.py load_grounding() with the shared split_of()",
            "split_rule": "h = int(sha256(normalize(split_key or text))[:8], 16) / 2**32; h < 0.2 held out, < 0.3 validation, else train (normalize = NFKC, lower, whitespace runs -> one space, strip; the lexical tier's featurizer.normalize)",
            "split_counts": {k: len(v) for k, v in sorted(split.items())},
            "used": {"train": len(train), "validation": len(val), "heldout_eval_file": len(ev)},
            "subsample": f"deterministic stratified (source x {primary}) caps: train {spec['train_cap']}, validation {spec['val_cap']}" + (f"; all records positive for {spec['keep_rare']} kept" if spec.get("keep_rare") else ""),
            "sample_weights": ({"negatives of " + k: v for k, v in spec["negative_weights"].items()} if spec.get("negative_weights") else None),
            "per_label": {lab: {k: h[k] for k in ("train_n", "train_pos", "val_n", "val_pos")} for lab, h in zip(labels, heads)},
            "candidates": {lab: h["candidates"] for lab, h in zip(labels, heads)},
            "dedup": dstats,
            "seed": SEED,
            "timings_s": {"embedding_new_texts": round(emb_secs, 1), "fit": round(fit_secs, 1), "total": round(time.time() - t0, 1)},
        },
        "metrics": met,
        "metrics_note": "'heldout' is computed with the exported ONNX model on exactly eval-data/" + eval_path.name,
        "eval_file": f"eval-data/{eval_path.name}",
        "eval_file_sha256": sha256_file(eval_path),
        "eval_subsample": ev_info,
    }
    if task == "toxicity":
        mf["dropped_labels"] = {"self_harm": "as in the lexical tier: too few positives from non-weak sources (I2P categories and SimpleSafetyTests only)"}
    if is_pair:
        mf["training"]["notes"] = [
            "No dataset here pairs retrieved evidence with claim-level support labels. Proxies: (1) TruthfulQA 'evidence': context = question + newline + the Best Answer, answer = another correct answer (supported, 0) or an incorrect answer (contradicted, 1); (2) TruthfulQA 'question': context = the question only (truth not in the context, weak); (3) HaluEval general: context = user query, answer = ChatGPT response, label = human hallucination yes/no (the query holds no evidence, so this measures prior plausibility, weak).",
            "An embedding-pair head sees topical relatedness well and contradiction / factual errors poorly; treat the score as a cheap screening signal, not an NLI verdict.",
        ]
    write_json(out_dir / "manifest.json", mf)
    print(f"  {task}: thresholds {thresholds}; heldout {json.dumps({l: {k: met['heldout'][l][k] for k in ('precision','recall','f1','auroc','auprc','support')} for l in labels})}; {time.time() - t0:.0f}s", file=sys.stderr)
    return mf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", action="append", choices=list(TASKS))
    args = ap.parse_args()
    emb = Embedder()
    for t in args.task or list(TASKS):
        train_task(t, emb)


if __name__ == "__main__":
    main()
