"""Writes the tiny ONNX models the binding tests run.

Run with Debian's interpreter and its python3-onnx package:
    /usr/bin/python3 tests/Seq2Seq.OnnxRuntime.Tests/Models/make_models.py

Weights follow simple formulas that the C# tests recompute on their own, so every expected number in the
tests comes from C#, not from these files.
"""
import os

from onnx import TensorProto, checker, helper, save

OPSET = 13
HERE = os.path.dirname(os.path.abspath(__file__))


def write(model, name):
    checker.check_model(model)
    save(model, os.path.join(HERE, name))


def make_model(graph, **fields):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="seq2seq-binding-tests")
    # IR 8 is the newest that onnx 1.12 writes; ONNX Runtime reads it.
    model.ir_version = 8
    for key, value in fields.items():
        setattr(model, key, value)
    return model


def matmul_add():
    """Y = Identity(X) @ W + B with a symbolic batch dimension. W[i, j] = 0.5 * (i - j) + 0.25, B[j] = j - 1."""
    rows, cols = 4, 3
    weights = [0.5 * (i - j) + 0.25 for i in range(rows) for j in range(cols)]
    bias = [float(j - 1) for j in range(cols)]
    graph = helper.make_graph(
        [
            # Basic graph optimization removes this node; a test checks that the level setting reaches ONNX Runtime.
            helper.make_node("Identity", ["X"], ["X_copy"], name="copy_input"),
            helper.make_node("MatMul", ["X_copy", "W"], ["XW"], name="matmul"),
            helper.make_node("Add", ["XW", "B"], ["Y"], name="add_bias"),
        ],
        "matmul_add",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", rows])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", cols])],
        initializer=[
            helper.make_tensor("W", TensorProto.FLOAT, [rows, cols], weights),
            helper.make_tensor("B", TensorProto.FLOAT, [cols], bias),
        ],
    )
    model = make_model(graph, domain="ai.seq2seq.tests", model_version=7, doc_string="MatMul then Add")
    helper.set_model_props(model, {"purpose": "binding tests", "weights": "W[i,j]=0.5*(i-j)+0.25; B[j]=j-1"})
    write(model, "matmul_add.onnx")


def gather_cast():
    """embeddings = table[ids] with table[v, k] = 10 * v + k; ids_int32 = Cast(ids)."""
    vocabulary, width = 10, 2
    table = [float(10 * v + k) for v in range(vocabulary) for k in range(width)]
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["table", "ids"], ["embeddings"], axis=0),
            helper.make_node("Cast", ["ids"], ["ids_int32"], to=TensorProto.INT32),
        ],
        "gather_cast",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "sequence"])],
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "sequence", width]),
            helper.make_tensor_value_info("ids_int32", TensorProto.INT32, ["batch", "sequence"]),
        ],
        initializer=[helper.make_tensor("table", TensorProto.FLOAT, [vocabulary, width], table)],
    )
    write(make_model(graph), "gather_cast.onnx")


def bool_int32():
    """greater = a > b; selected = mask ? a : b, elementwise over int32 vectors."""
    graph = helper.make_graph(
        [
            helper.make_node("Greater", ["a", "b"], ["greater"]),
            helper.make_node("Where", ["mask", "a", "b"], ["selected"]),
        ],
        "bool_int32",
        [
            helper.make_tensor_value_info("a", TensorProto.INT32, ["n"]),
            helper.make_tensor_value_info("b", TensorProto.INT32, ["n"]),
            helper.make_tensor_value_info("mask", TensorProto.BOOL, ["n"]),
        ],
        [
            helper.make_tensor_value_info("greater", TensorProto.BOOL, ["n"]),
            helper.make_tensor_value_info("selected", TensorProto.INT32, ["n"]),
        ],
    )
    write(make_model(graph), "bool_int32.onnx")


def float16():
    """doubled = x + x in float16; widened = Cast(x) to float32."""
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["x", "x"], ["doubled"]),
            helper.make_node("Cast", ["x"], ["widened"], to=TensorProto.FLOAT),
        ],
        "float16",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["n"])],
        [
            helper.make_tensor_value_info("doubled", TensorProto.FLOAT16, ["n"]),
            helper.make_tensor_value_info("widened", TensorProto.FLOAT, ["n"]),
        ],
    )
    write(make_model(graph), "float16.onnx")


if __name__ == "__main__":
    matmul_add()
    gather_cast()
    bool_int32()
    float16()
