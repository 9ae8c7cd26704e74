"""What the machine's CPU can do, as `machine` reads it from `/proc/cpuinfo`."""

from __future__ import annotations

import pytest

from synoptic.machine import has_exact_int8_dot

ZEN4 = "processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_vnni avx512_bf16\nbugs\t\t: sysret_ss_attrs\n"
ALDER_LAKE = "processor\t: 0\nflags\t\t: fpu avx2 avx_vnni\n"
ZEN3 = "processor\t: 0\nflags\t\t: fpu sse4_2 avx avx2 fma\n"
SKYLAKE_X = "processor\t: 0\nflags\t\t: avx2 avx512f avx512bw avx512vl\n"
LOOKALIKE = "processor\t: 0\nflags\t\t: avx2 xavx512_vnni avx_vnni_int8\n"  # neither flag itself
NO_FLAGS = "processor\t: 0\nmodel name\t: ARMv8 Processor\nFeatures\t: fp asimd asimddp\n"


@pytest.mark.parametrize(
    ("cpuinfo", "exact"),
    [
        (ZEN4, True),
        (ALDER_LAKE, True),
        (ZEN3, False),
        (SKYLAKE_X, False),  # AVX-512 without VNNI still adds byte products in 16 bits
        (LOOKALIKE, False),
        (NO_FLAGS, False),
        ("", False),
    ],
)
def test_exact_int8_dot_product_table(cpuinfo: str, exact: bool) -> None:
    assert has_exact_int8_dot(cpuinfo) is exact
