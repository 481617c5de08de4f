"""The compiled-kernel helpers: numba compiles, blocks cover every member once, the switch works."""

from __future__ import annotations

import numpy as np
import pytest

from parley.models import compiled


def _squares(x: np.ndarray, out: np.ndarray, start: int, stop: int) -> None:
    for k in range(start, stop):
        out[k] = x[k] * x[k]


def test_numba_is_installed_by_the_fast_extra() -> None:
    # make install / install-test install the `fast` extra: the compiled kernels are what runs
    assert compiled.available()
    assert compiled.enabled()


@pytest.mark.parametrize("members", [1, 15, 16, 17, 100, 1001])
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_blocks_cover_every_member_once(members: int, threads: int) -> None:
    kernel = compiled.jit(_squares)
    x = np.arange(members, dtype=np.float64)
    out = np.full(members, -1.0)
    seen = np.zeros(members, dtype=int)

    def block(start: int, stop: int) -> None:
        kernel(x, out, start, stop)
        seen[start:stop] += 1

    compiled.set_threads(threads)
    try:
        compiled.map_blocks(block, members, min_block=4)
    finally:
        compiled.set_threads(None)
    assert (seen == 1).all()
    # closed form: sum_{k<n} k^2 = (n-1) n (2n-1) / 6
    n = members
    assert out.sum() == (n - 1) * n * (2 * n - 1) / 6


def test_switched_off_by_context_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with compiled.disabled():
        assert not compiled.enabled()
    assert compiled.enabled()
    monkeypatch.setenv("PARLEY_COMPILED", "0")
    assert not compiled.enabled()


def _halve(x: float) -> float:
    return x / 2.0


_halve_inlined = compiled.inlined(_halve)


def _sum_halves(x: np.ndarray) -> float:
    total = 0.0
    for v in x:
        total += _halve_inlined(v)
    return total


def test_an_inlined_helper_runs_inside_a_compiled_kernel() -> None:
    # compiled.inlined: numba inlines the helper into the kernel that calls it
    assert compiled.jit(_sum_halves)(np.arange(5.0)) == (0 + 1 + 2 + 3 + 4) / 2


def _cache_dir_in_fresh_python(code: str, env: dict[str, str]) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize("numba_first", [False, True])
def test_kernels_cache_in_the_folder_named_by_the_sources(numba_first: bool) -> None:
    """Whether or not numba was imported before parley, the kernels' disk cache is
    `kernel_cache_dir()` (not `__pycache__` beside the sources, where numba keys a kernel on its
    own file only and would load stale code after a helper in another file changed)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    code = (
        ("import numba\n" if numba_first else "")
        + "from parley.models import compiled\n"
        + "compiled._load()\n"
        + "import numba\n"
        + "print(numba.config.CACHE_DIR == compiled.kernel_cache_dir())\n"
    )
    assert _cache_dir_in_fresh_python(code, env) == "True"


def test_a_cache_folder_the_user_chose_is_kept(tmp_path) -> None:
    import os

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    code = "from parley.models import compiled\ncompiled._load()\nimport numba\nprint(numba.config.CACHE_DIR)"
    assert _cache_dir_in_fresh_python(code, env) == str(tmp_path)
