"""Operator counts of the optimized graphs the `profile` command leaves beside its profiles (ONNX Runtime's fusions
show as com.microsoft operators: FusedMatMul, SkipLayerNormalization, Attention, ...), If branches included.

usage: /usr/bin/python3 tests/Seq2Seq.Benchmarks/profile/op_counts.py PROFILE_DIR
"""
import collections
import glob
import os
import sys

import onnx


def count(graph, counts):
    for node in graph.node:
        counts[f"{node.domain + ':' if node.domain else ''}{node.op_type}"] += 1
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                count(attribute.g, counts)
    return counts


def main():
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.optimized.onnx"))):
        counts = count(onnx.load(path).graph, collections.Counter())
        print(f"{os.path.basename(path)}: " + ", ".join(f"{op} {n}" for op, n in counts.most_common()))


if __name__ == "__main__":
    main()
