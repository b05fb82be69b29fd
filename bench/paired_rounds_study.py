#!/usr/bin/env python3
"""Does pairing runs by round beat the unpaired U test on interleaved trials? A simulation.

`bench` and `run` interleave their builds round by round (round r runs A then B, or B then
A) and compare the two samples with an unpaired Mann-Whitney U test. When the machine's
speed drifts between rounds, the two runs of one round share that drift: a paired test on
the per-round log ratios removes it, while the unpaired test counts it as noise and turns
conservative (A/A p-values above 0.5 on average). When the noise is per run only, pairing
can only lose (half the degrees of freedom of the unpaired comparison).

Model: log(time of build X in round r) = effect_X + drift_r + noise, drift_r ~ N(0,
DRIFT), noise ~ N(0, NOISE) per run. For each (drift, effect) cell it simulates TRIALS
experiments of ROUNDS rounds and reports, at alpha 0.05 two-sided: the rejection rate of
the unpaired U test (normal approximation, tie-corrected), of the Wilcoxon signed-rank test
on the per-round log ratios (normal approximation), and the mean p-value of each (0.5 is
exact under the null; above is conservative).

  bench/paired_rounds_study.py                       (NOISE=0.10 ROUNDS=20 TRIALS=2000)
  NOISE=0.056 ROUNDS=10 bench/paired_rounds_study.py (the quiet 16-core VM's spread)

Pure Python (no numpy here); seeded, so the same settings print the same table.
"""
import math
import os
import random


def normal_two_sided_p(z):
    return math.erfc(abs(z) / math.sqrt(2))


def ranks(values):
    """Average ranks (1-based) and the tie-correction sum of t^3 - t."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    ties = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            r[order[k]] = avg
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    return r, ties


def u_test_p(a, b):
    n1, n2 = len(a), len(b)
    r, ties = ranks(list(a) + list(b))
    u = sum(r[:n1]) - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = (u - n1 * n2 / 2) / math.sqrt(var)
    return normal_two_sided_p(z)


def signed_rank_p(diffs):
    d = [x for x in diffs if x != 0]
    n = len(d)
    if n == 0:
        return 1.0
    r, ties = ranks([abs(x) for x in d])
    w_plus = sum(rk for rk, x in zip(r, d) if x > 0)
    var = n * (n + 1) * (2 * n + 1) / 24 - ties / 48
    if var <= 0:
        return 1.0
    z = (w_plus - n * (n + 1) / 4) / math.sqrt(var)
    return normal_two_sided_p(z)


def main():
    noise = float(os.environ.get("NOISE", "0.10"))
    rounds = int(os.environ.get("ROUNDS", "20"))
    trials = int(os.environ.get("TRIALS", "2000"))
    alpha = 0.05
    rng = random.Random(20261127)
    print(f"per-run noise sd(log) {noise}, {rounds} rounds per experiment, {trials} experiments "
          f"per cell, alpha {alpha} two-sided")
    print(f"{'drift sd':>9} {'effect':>7} | {'U rejects':>9} {'mean p':>7} | "
          f"{'paired rejects':>14} {'mean p':>7}")
    for drift in (0.0, noise / 2, noise, 2 * noise):
        for effect in (0.0, 0.02, 0.05):
            u_rej = p_rej = 0
            u_sum = p_sum = 0.0
            for _ in range(trials):
                a, b = [], []
                for _ in range(rounds):
                    d = rng.gauss(0, drift) if drift else 0.0
                    a.append(d + rng.gauss(0, noise))
                    b.append(d - effect + rng.gauss(0, noise))
                pu = u_test_p(a, b)
                pp = signed_rank_p([y - x for x, y in zip(a, b)])
                u_rej += pu < alpha
                p_rej += pp < alpha
                u_sum += pu
                p_sum += pp
            print(f"{drift:9.3f} {effect:7.0%} | {u_rej / trials:9.3f} {u_sum / trials:7.3f} | "
                  f"{p_rej / trials:14.3f} {p_sum / trials:7.3f}")


if __name__ == "__main__":
    main()
