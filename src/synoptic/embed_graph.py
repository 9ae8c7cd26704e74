"""multilingual-e5-small's encoder as an ONNX graph, written straight in protobuf's wire format.

onnxruntime runs a model given as bytes. The `onnx` package would build them, but importing it takes
0.8 s (in every process that embeds) and brings two more dependencies, for the dozen message types
used here: `Proto` writes those fields by number, as `onnx/onnx.proto` defines them.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .embed_e5 import E5Image

#: The ONNX format version and operator set written: what onnxruntime 1.30 reads (opset 20 has Gelu).
IR_VERSION = 9
OPSET = 20
_FLOAT, _INT64 = 1, 7  # TensorProto.DataType
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7  # AttributeProto.AttributeType


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64s as ten bytes, as protobuf does
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


class Proto:
    """One protobuf message, its fields appended in order. A nested message's parts are taken over,
    not copied, so the weights' bytes are copied once, when the whole model is joined."""

    def __init__(self) -> None:
        self._parts: list[bytes | memoryview] = []
        self.size = 0

    def _add(self, *parts: bytes | memoryview) -> Proto:
        self._parts.extend(parts)
        self.size += sum(len(p) for p in parts)
        return self

    def number(self, field: int, value: int) -> Proto:
        return self._add(_varint(field << 3) + _varint(value))

    def real(self, field: int, value: float) -> Proto:
        return self._add(_varint(field << 3 | 5) + struct.pack("<f", value))

    def blob(self, field: int, value: bytes | memoryview | str | Proto) -> Proto:
        if isinstance(value, Proto):
            self._add(_varint(field << 3 | 2) + _varint(value.size))
            return self._add(*value._parts)
        data = value.encode() if isinstance(value, str) else value
        return self._add(_varint(field << 3 | 2) + _varint(len(data)), data)

    def serialise(self) -> bytes:
        return b"".join(self._parts)


def tensor(name: str, value: npt.NDArray[Any]) -> Proto:
    """A TensorProto holding a float32 or int64 array."""
    kind = _INT64 if value.dtype == np.int64 else _FLOAT
    out = Proto()
    for size in value.shape:
        out.number(1, size)
    data = np.ascontiguousarray(value, dtype=np.dtype("<i8") if kind == _INT64 else np.dtype("<f4"))
    return out.number(2, kind).blob(8, name).blob(9, data.data.cast("B"))


def attribute(name: str, value: int | float | list[int]) -> Proto:
    """An AttributeProto: an int, a float or a list of ints."""
    out = Proto().blob(1, name)
    if isinstance(value, list):
        for v in value:
            out.number(8, v)
        return out.number(20, _ATTR_INTS)
    if isinstance(value, float):
        return out.real(2, value).number(20, _ATTR_FLOAT)
    return out.number(3, value).number(20, _ATTR_INT)


def value_info(name: str, dims: list[int | str]) -> Proto:
    """A float tensor's ValueInfoProto; a string dimension is symbolic (any size)."""
    shape = Proto()
    for d in dims:
        shape.blob(1, Proto().blob(2, d) if isinstance(d, str) else Proto().number(1, d))
    return Proto().blob(1, name).blob(2, Proto().blob(1, Proto().number(1, _FLOAT).blob(2, shape)))


class Graph:
    """A GraphProto under construction: weights, then nodes in order."""

    def __init__(self) -> None:
        self.nodes: list[Proto] = []
        self.weights: list[Proto] = []

    def const(self, name: str, value: npt.NDArray[Any]) -> str:
        self.weights.append(tensor(name, value))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: int | float | list[int]) -> str:
        out = Proto()
        for name in inputs:
            out.blob(1, name)
        out.blob(2, output).blob(3, output).blob(4, op)
        for key, value in attrs.items():
            out.blob(5, attribute(key, value))
        self.nodes.append(out)
        return output

    def model(self, name: str, inputs: list[Proto], outputs: list[Proto]) -> bytes:
        graph = Proto()
        for n in self.nodes:
            graph.blob(1, n)
        graph.blob(2, name)
        for w in self.weights:
            graph.blob(5, w)
        for i in inputs:
            graph.blob(11, i)
        for o in outputs:
            graph.blob(12, o)
        model = Proto().number(1, IR_VERSION).blob(8, Proto().blob(1, "").number(2, OPSET)).blob(7, graph)
        return model.serialise()


def e5_graph(image: E5Image) -> bytes:
    """The encoder as an ONNX model: the token embeddings of windows of one length (computed
    outside, shape windows x tokens x 384) in, the last layer's states out. Weights are the file's
    4-bit ones, dequantised to float32. It has no padding mask: a batch holds windows of one length,
    and a window's states are then the same, bit for bit, whatever else is in its batch. The mean over
    tokens is left to the caller, because onnxruntime's ReduceMean sums in another order once the
    batch holds more than one window."""
    d = image.dims
    head = d.hidden // d.heads
    g = Graph()

    def linear(x: str, name: str, inputs: int, outputs: int) -> str:
        w = g.const(name + ".wt", image.q4_matrix(name + ".w", outputs).reshape(outputs, inputs).T)
        product = g.node("MatMul", [x, w], name + ".xw")
        return g.node("Add", [product, g.const(name + ".b", image.floats(name + ".b"))], name)

    def heads(x: str, name: str, perm: list[int]) -> str:
        """One projection, split into heads: (batch, heads, tokens, size), or tokens last for keys."""
        projected = g.node("Reshape", [linear(x, name, d.hidden, d.hidden), split], name + ".h")
        return g.node("Transpose", [projected], name + ".t", perm=perm)

    def norm(x: str, name: str) -> str:
        scale, shift = g.const(name + ".w", image.floats(name + ".w")), g.const(name + ".b", image.floats(name + ".b"))
        return g.node("LayerNormalization", [x, scale, shift], name, axis=-1, epsilon=d.eps)

    split = g.const("split_heads", np.array([0, 0, d.heads, head], np.int64))
    join = g.const("join_heads", np.array([0, 0, d.hidden], np.int64))
    scale = g.const("score_scale", np.array(1.0 / np.sqrt(head), np.float32))
    x = norm("embeddings", "emb.ln")
    for layer in range(d.layers):
        p = f"l{layer}."
        q, k, v = (heads(x, p + "q", [0, 2, 1, 3]), heads(x, p + "k", [0, 2, 3, 1]), heads(x, p + "v", [0, 2, 1, 3]))
        scores = g.node("Mul", [g.node("MatMul", [q, k], p + "qk"), scale], p + "s")
        attended = g.node("MatMul", [g.node("Softmax", [scores], p + "p", axis=-1), v], p + "c")
        joined = g.node("Reshape", [g.node("Transpose", [attended], p + "ct", perm=[0, 2, 1, 3]), join], p + "cj")
        x = norm(g.node("Add", [linear(joined, p + "ao", d.hidden, d.hidden), x], p + "r1"), p + "aln")
        ffn = g.node("Gelu", [linear(x, p + "fi", d.hidden, d.ffn)], p + "g")
        x = norm(g.node("Add", [linear(ffn, p + "fo", d.ffn, d.hidden), x], p + "r2"), p + "oln")
    inputs = [value_info("embeddings", ["batch", "tokens", d.hidden])]
    return g.model("multilingual-e5-small", inputs, [value_info(x, ["batch", "tokens", d.hidden])])
