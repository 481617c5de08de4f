"""chunk_for: members per batched run from the model's declared cost (hand calculations)."""

from __future__ import annotations

import numpy as np

from parley.coalitions.front_arrays import batched_runs
from parley.levers.batch import run_chunked
from parley.models import compiled, get_model
from parley.models.chunking import CHUNK_BYTES, MAX_CHUNK, chunk_for
from parley.models.examples import three_actor_arrays


def test_eum_chunk_is_the_budget_over_its_pair_matrices():
    # eum declares 190 bytes per actor pair per issue, 32 x (24 + 2) = 832 bytes per actor per
    # issue for the ring that finds cycles, and 8 bytes x (rounds + 1) x A x I of history: at
    # 50 actors x 5 issues, 10 rounds, one member needs
    # 190 x 2,500 x 5 + 832 x 50 x 5 + 8 x 11 x 250 = 2,375,000 + 208,000 + 22,000 = 2,605,000
    # bytes; 64 MiB = 67,108,864 bytes hold 25 of them (25.76...)
    # (the array-API path's; the compiled kernel's is in tests/test_eum_compiled.py)
    assert CHUNK_BYTES == 67_108_864
    with compiled.disabled():
        assert chunk_for(get_model("eum"), (1, 50, 5)) == 25
        # 20 actors x 1 issue: 190 x 400 + 832 x 20 + 8 x 11 x 20 = 94,400 bytes a member: 710
        assert chunk_for(get_model("eum"), (1000, 20, 1)) == 710
    # compiled, 2 threads: (80 x 50 + 60) x 5 = 20,300 bytes for the member and
    # 2 x (296 x 2,500 + 616 x 50 + 216) = 1,542,032 for the threads' work arrays:
    # 67,108,864 / 1,562,332 = 42.9..., 42 members
    compiled.set_threads(2)
    try:
        assert chunk_for(get_model("eum"), (1, 50, 5)) == 42
    finally:
        compiled.set_threads(None)


def test_models_without_a_cost_count_their_own_arrays():
    # compromise declares none: 64 bytes per actor and issue, 17 x 5 -> 5,440 bytes: 12,336
    assert chunk_for(get_model("compromise"), (1, 17, 5)) == 12_336
    assert chunk_for(get_model("mean"), (1, 2, 1)) == MAX_CHUNK


def test_at_least_one_member_however_large():
    assert chunk_for(get_model("eum"), (1, 2_000, 5)) == 1
    assert chunk_for(get_model("eum"), (1, 2_000, 5), budget=1) == 1


def test_chunked_runs_equal_one_run_per_member():
    arrays = three_actor_arrays()
    rng = np.random.default_rng(3)
    n = 7
    batch = arrays.with_batch(
        positions=np.repeat(arrays.positions, n, 0) + rng.uniform(-5, 5, (n, *arrays.shape[1:])),
        salience=np.repeat(arrays.salience, n, 0),
        capability=np.repeat(arrays.capability, n, 0),
    )
    model = get_model("eum")
    whole = run_chunked(model, batch)
    one_by_one = run_chunked(model, batch, chunk=1)
    assert np.allclose(whole, one_by_one, rtol=0, atol=1e-12)
    members = [
        batch.with_batch(
            **{k: getattr(batch, k)[m : m + 1] for k in ("positions", "salience", "capability")}
        )
        for m in range(n)
    ]
    assert np.allclose(batched_runs(model, members), one_by_one, rtol=0, atol=1e-12)


def test_levers_rerun_only_the_issue_they_change():
    """A lever row that changes one issue of a separable model (eum) is re-run on that issue
    alone; the result is the whole run's, bit for bit, and the other issues keep the base."""
    from parley.levers.batch import changed_issues, run_levers
    from parley.models.examples import three_actor_arrays as arrays_of

    base = arrays_of()
    n_i = base.shape[2]
    assert n_i >= 2
    rows = 4
    batch = base.with_batch(
        **{k: np.repeat(getattr(base, k), rows, 0) for k in ("positions", "salience", "capability")}
    )
    batch.positions[1, 0, 0] += 7.0  # row 1: issue 0 only
    batch.salience[2, 1, 1] *= 0.5  # row 2: issue 1 only
    batch.capability[3, 2, :] *= 2.0  # row 3: every issue; row 0: nothing
    touched = changed_issues(batch, base)
    assert touched.tolist() == [[False] * n_i, [True] + [False] * (n_i - 1),
                                [False, True] + [False] * (n_i - 2), [True] * n_i]  # fmt: skip
    model = get_model("eum")
    f0 = np.asarray(model.run(base, detail="forecast").forecast)[0]
    whole = run_chunked(model, batch)
    np.testing.assert_array_equal(run_levers(model, batch, base, f0), whole)
    smp = get_model("smp")  # not separable: run whole
    s0 = np.asarray(smp.run(base, detail="forecast").forecast)[0]
    np.testing.assert_array_equal(run_levers(smp, batch, base, s0), run_chunked(smp, batch))
