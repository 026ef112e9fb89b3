"""Build the hashed-ngram-linear ONNX graph (opset 17, tensors only, no ZipMap/string ops).

inputs:  indices int64 [batch, L], counts float32 [batch, L]   (padding: index 0, count 0)
output:  probabilities float32 [batch, C]

    tf     = (counts > 0) * (1 + ln(max(counts, 1)))
    x      = tf * Gather(idf, indices)
    x      = x / max(||x||_2 over L, 1e-12)
    logits = ReduceSum(Gather(W, indices) * x[..., None], axis=L) + b
    probs  = Sigmoid(logits) | Softmax(logits, axis=-1)

idf [B] and W [B, C] are float16 initializers cast to float32 in the graph; b [C] is float32.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def build_model(idf16: np.ndarray, W16: np.ndarray, b: np.ndarray, activation: str, name: str, doc: str = "") -> onnx.ModelProto:
    assert idf16.dtype == np.float16 and W16.dtype == np.float16
    B, C = W16.shape
    assert idf16.shape == (B,) and b.shape == (C,)
    inits = [
        numpy_helper.from_array(idf16, "idf_f16"),
        numpy_helper.from_array(W16, "W_f16"),
        numpy_helper.from_array(b.astype(np.float32), "b"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one"),
        numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "eps"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
    ]
    n = helper.make_node
    nodes = [
        n("Cast", ["idf_f16"], ["idf"], to=TensorProto.FLOAT),
        n("Cast", ["W_f16"], ["W"], to=TensorProto.FLOAT),
        # tf = (counts > 0) * (1 + ln(max(counts, 1)))
        n("Greater", ["counts", "zero"], ["present_b"]),
        n("Cast", ["present_b"], ["present"], to=TensorProto.FLOAT),
        n("Max", ["counts", "one"], ["counts_ge1"]),
        n("Log", ["counts_ge1"], ["log_counts"]),
        n("Add", ["log_counts", "one"], ["tf_raw"]),
        n("Mul", ["tf_raw", "present"], ["tf"]),
        # x = tf * idf[indices]; l2 normalise over L
        n("Gather", ["idf", "indices"], ["idf_g"], axis=0),
        n("Mul", ["tf", "idf_g"], ["x_raw"]),
        n("Mul", ["x_raw", "x_raw"], ["x_sq"]),
        n("ReduceSum", ["x_sq", "axis1"], ["x_ss"], keepdims=1),
        n("Sqrt", ["x_ss"], ["x_norm"]),
        n("Max", ["x_norm", "eps"], ["x_den"]),
        n("Div", ["x_raw", "x_den"], ["x"]),
        # logits = sum_L W[indices] * x[..., None] + b
        n("Gather", ["W", "indices"], ["W_g"], axis=0),
        n("Unsqueeze", ["x", "axis2"], ["x3"]),
        n("Mul", ["W_g", "x3"], ["contrib"]),
        n("ReduceSum", ["contrib", "axis1"], ["dot"], keepdims=0),
        n("Add", ["dot", "b"], ["logits"]),
    ]
    if activation == "sigmoid":
        nodes.append(n("Sigmoid", ["logits"], ["probabilities"]))
    elif activation == "softmax":
        nodes.append(n("Softmax", ["logits"], ["probabilities"], axis=-1))
    else:
        raise ValueError(activation)
    graph = helper.make_graph(
        nodes,
        name,
        [
            helper.make_tensor_value_info("indices", TensorProto.INT64, ["batch", "L"]),
            helper.make_tensor_value_info("counts", TensorProto.FLOAT, ["batch", "L"]),
        ],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", C])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="anansi-training", producer_version="1.0.0", doc_string=doc)
    model.ir_version = 8  # readable by onnxruntime >= 1.10 (onnxruntime-node included)
    onnx.checker.check_model(model, full_check=True)
    return model
