"""multilingual-e5-small's encoder as an ONNX graph with int8 matrix products, written straight in
protobuf's wire format.

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
#: onnxruntime's own operators (MatMulIntegerToFloat), version 1.
MS_DOMAIN = "com.microsoft"
_FLOAT, _UINT8, _INT8, _INT64 = 1, 2, 3, 7  # TensorProto.DataType
_KINDS = {np.dtype(np.float32): (_FLOAT, "<f4"), np.dtype(np.uint8): (_UINT8, "u1"), np.dtype(np.int8): (_INT8, "i1")}
#: An 8-bit code's largest magnitude: weights and inputs are scaled so that their largest becomes 127.
_Q8_PEAK = 127.0
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
    """A TensorProto holding an int64 array, a uint8 or int8 one, or else float32."""
    kind, dtype = (_INT64, "<i8") if value.dtype == np.int64 else _KINDS.get(value.dtype, (_FLOAT, "<f4"))
    out = Proto()
    for size in value.shape:
        out.number(1, size)
    data = np.ascontiguousarray(value, dtype=np.dtype(dtype))
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
        """A node of one output, named as its output."""
        return self.outputs(op, inputs, [output], "", **attrs)[0]

    def outputs(
        self, op: str, inputs: list[str], outputs: list[str], domain: str = "", **attrs: int | float | list[int]
    ) -> list[str]:
        """A node of any number of outputs, named as its first; `domain` names an operator set other
        than ONNX's own."""
        out = Proto()
        for name in inputs:
            out.blob(1, name)
        for name in outputs:
            out.blob(2, name)
        out.blob(3, outputs[0]).blob(4, op)
        for key, value in attrs.items():
            out.blob(5, attribute(key, value))
        if domain:
            out.blob(7, domain)
        self.nodes.append(out)
        return outputs

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
        model = Proto().number(1, IR_VERSION).blob(8, Proto().blob(1, "").number(2, OPSET))
        model.blob(8, Proto().blob(1, MS_DOMAIN).number(2, 1))
        return model.blob(7, graph).serialise()


def int8_columns(weights: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """A (inputs x outputs) matrix as int8 codes and one scale per output column, so that
    `codes * scales` approximates it (symmetric: the column's largest magnitude becomes 127)."""
    scales = np.maximum(np.abs(weights).max(axis=0), np.float32(1e-12)) / np.float32(_Q8_PEAK)
    codes = np.clip(np.rint(weights / scales), -_Q8_PEAK, _Q8_PEAK).astype(np.int8)
    return codes, scales.astype(np.float32)


class _Int8Linear:
    """Linear layers as int8 matrix products (multiplied on the int8 units of the CPU, about twice
    as fast as float32 here). Each token's inputs are quantised on their own, scaled by their largest
    magnitude: a token's result then depends on that token alone, never on its batch-mates, and rows
    with large values do not flatten the others. An input read by several layers is quantised once.

    The weights are given to onnxruntime as signed bytes where the CPU multiplies unsigned by signed
    bytes exactly (VNNI), and otherwise as unsigned bytes plus 128: older x86 kernels for the
    unsigned-by-signed product add pairs of products in 16 bits, which can saturate. Both sum the same
    integers exactly, so they give the same vectors; the signed form is about 1.7x as fast with VNNI."""

    def __init__(self, g: Graph, signed_weights: bool) -> None:
        self.g = g
        self._signed = signed_weights
        self._axes = g.const("q8.axes", np.array([-1], np.int64))
        self._peak = g.const("q8.peak", np.array(_Q8_PEAK, np.float32))
        self._tiny = g.const("q8.tiny", np.array(1e-12, np.float32))
        self._one = g.const("q8.one", np.array(1.0, np.float32))
        self._zero = g.const("q8.zero", np.array(128, np.uint8))  # codes are stored plus 128, as uint8
        self._done: dict[str, tuple[str, str]] = {}

    def _quantised(self, x: str) -> tuple[str, str]:
        """`x` as uint8 codes (plus 128), and each row's scale."""
        if x not in self._done:
            g = self.g
            peak = g.node("ReduceMax", [g.node("Abs", [x], x + ".abs"), self._axes], x + ".max", keepdims=1)
            peak = g.node("Max", [peak, self._tiny], x + ".peak")
            scale = g.node("Div", [peak, self._peak], x + ".scale")
            unit = g.node("Mul", [x, g.node("Div", [self._peak, peak], x + ".inv")], x + ".unit")
            self._done[x] = (g.node("QuantizeLinear", [unit, self._one, self._zero], x + ".q8"), scale)
        return self._done[x]

    def __call__(self, x: str, name: str, weights: npt.NDArray[np.float32], bias: npt.NDArray[np.float32]) -> str:
        """`x @ weights + bias`, `weights` being (inputs x outputs)."""
        g = self.g
        codes, scales = int8_columns(weights)
        q, row_scale = self._quantised(x)
        if self._signed:
            ins = [q, g.const(name + ".w8", codes), self._one, g.const(name + ".ws", scales), self._zero]
        else:  # the same codes plus 128, as unsigned bytes, with 128 as their zero point
            unsigned = (codes.astype(np.int16) + 128).astype(np.uint8)
            ins = [q, g.const(name + ".w8", unsigned), self._one, g.const(name + ".ws", scales), self._zero, self._zero]
        (product,) = g.outputs("MatMulIntegerToFloat", ins, [name + ".xw"], domain=MS_DOMAIN)
        scaled = g.node("Mul", [product, row_scale], name + ".rows")
        return g.node("Add", [scaled, g.const(name + ".b", bias)], name)


def e5_graph(image: E5Image, signed_weights: bool = True) -> bytes:
    """The encoder as an ONNX model: the token embeddings of windows of one length (computed
    outside, shape windows x tokens x 384) in, the last layer's states out. Weights are the file's
    4-bit ones, dequantised and then coded in int8 per output column; the linear layers multiply in
    int8 (`_Int8Linear`), attention and normalisation in float32. It has no padding mask: a batch
    holds windows of one length, and a window's states are then the same, bit for bit, whatever else
    is in its batch. The mean over tokens is left to the caller, because onnxruntime's ReduceMean sums
    in another order once the batch holds more than one window. `signed_weights`: see `_Int8Linear`."""
    d = image.dims
    head = d.hidden // d.heads
    g = Graph()
    int8_linear = _Int8Linear(g, signed_weights)

    def weights(name: str, inputs: int, outputs: int) -> npt.NDArray[np.float32]:
        return image.q4_matrix(name + ".w", outputs).reshape(outputs, inputs).T

    def linear(x: str, name: str, inputs: int, outputs: int) -> str:
        return int8_linear(x, name, weights(name, inputs, outputs), image.floats(name + ".b"))

    def attention_inputs(x: str, p: str) -> list[str]:
        """Queries, keys and values from one product: (batch, heads, tokens, size), keys tokens last."""
        joint = np.concatenate([weights(p + n, d.hidden, d.hidden) for n in "qkv"], axis=1)
        bias = np.concatenate([image.floats(p + n + ".b") for n in "qkv"])
        sizes = g.const(p + "qkv.sizes", np.array([d.hidden] * 3, np.int64))
        parts = g.outputs("Split", [int8_linear(x, p + "qkv", joint, bias), sizes], [p + n for n in "qkv"], axis=-1)
        perms = ([0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3])
        return [
            g.node("Transpose", [g.node("Reshape", [part, split], part + ".h")], part + ".t", perm=perm)
            for part, perm in zip(parts, perms, strict=True)
        ]

    def norm(x: str, name: str) -> str:
        scale, shift = g.const(name + ".w", image.floats(name + ".w")), g.const(name + ".b", image.floats(name + ".b"))
        return g.node("LayerNormalization", [x, scale, shift], name, axis=-1, epsilon=d.eps)

    split = g.const("split_heads", np.array([0, 0, d.heads, head], np.int64))
    join = g.const("join_heads", np.array([0, 0, d.hidden], np.int64))
    scale = g.const("score_scale", np.array(1.0 / np.sqrt(head), np.float32))
    x = norm("embeddings", "emb.ln")
    for layer in range(d.layers):
        p = f"l{layer}."
        q, k, v = attention_inputs(x, p)
        scores = g.node("Mul", [g.node("MatMul", [q, k], p + "qk"), scale], p + "s")
        attended = g.node("MatMul", [g.node("Softmax", [scores], p + "p", axis=-1), v], p + "c")
        joined = g.node("Reshape", [g.node("Transpose", [attended], p + "ct", perm=[0, 2, 1, 3]), join], p + "cj")
        x = norm(g.node("Add", [linear(joined, p + "ao", d.hidden, d.hidden), x], p + "r1"), p + "aln")
        ffn = g.node("Gelu", [linear(x, p + "fi", d.hidden, d.ffn)], p + "g")
        x = norm(g.node("Add", [linear(ffn, p + "fo", d.ffn, d.hidden), x], p + "r2"), p + "oln")
    inputs = [value_info("embeddings", ["batch", "tokens", d.hidden])]
    return g.model("multilingual-e5-small", inputs, [value_info(x, ["batch", "tokens", d.hidden])])
