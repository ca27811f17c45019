"""How many themes the silhouette curve asks for: the first real peak, not wobbles or template-level rises.

The curves are silhouettes measured on the geometric grid of theme counts (``WardSilhouetteClusterer``
scores) for real fits: demo exports of 1,500 and 20,000 tickets and CLINC150 train. Each test checks
the theme count the clusterer picks on the grid (the fewest within the tolerance of the first peak).
"""

from __future__ import annotations

from topics.cluster import WardSilhouetteClusterer

DEMO_1500 = {2: 0.141, 3: 0.127, 4: 0.162, 5: 0.187, 6: 0.206, 7: 0.229, 8: 0.241, 9: 0.255, 10: 0.249,
             12: 0.277, 14: 0.299, 16: 0.289, 19: 0.296, 22: 0.303, 26: 0.294, 30: 0.29, 34: 0.303, 40: 0.311,
             46: 0.328, 54: 0.346, 63: 0.359, 73: 0.372, 85: 0.372, 98: 0.386, 114: 0.387, 133: 0.395, 154: 0.4}
DEMO_20000_SEED_11 = {2: 0.188, 3: 0.179, 4: 0.203, 5: 0.211, 6: 0.23, 8: 0.264, 9: 0.277, 12: 0.282, 15: 0.3,
                      18: 0.31, 23: 0.312, 28: 0.314, 35: 0.331, 44: 0.349, 55: 0.374, 68: 0.388, 85: 0.39,
                      106: 0.398, 132: 0.379, 165: 0.386, 205: 0.379, 256: 0.381, 319: 0.389, 398: 0.393,
                      497: 0.402, 619: 0.416, 772: 0.415, 962: 0.42}
CLINC150_TRAIN = {2: 0.072, 3: 0.079, 4: 0.087, 5: 0.077, 6: 0.078, 8: 0.088, 9: 0.091, 12: 0.094, 15: 0.099,
                  18: 0.111, 23: 0.132, 28: 0.143, 35: 0.163, 44: 0.183, 55: 0.205, 68: 0.228, 85: 0.248,
                  106: 0.261, 132: 0.273, 165: 0.276, 205: 0.273, 256: 0.269, 319: 0.246, 398: 0.24, 497: 0.227}
# The same 20,000 tickets with content-mean vectors: the plateau dips at 18 and ends higher at 28.
DEMO_20000_SEED_11_CONTENT_MEAN = {2: 0.188, 3: 0.178, 4: 0.203, 5: 0.213, 6: 0.232, 8: 0.266, 9: 0.279,
                                   12: 0.285, 15: 0.304, 18: 0.292, 23: 0.313, 28: 0.315, 35: 0.323,
                                   44: 0.349, 55: 0.378, 68: 0.388, 85: 0.393, 106: 0.399, 132: 0.38,
                                   165: 0.38, 205: 0.381, 256: 0.387, 319: 0.392, 398: 0.401, 497: 0.408,
                                   619: 0.418, 772: 0.419, 962: 0.421, 1200: 0.423}


def _chosen_count(curve: dict[int, float]) -> int:
    counts = sorted(curve)
    index, _ = WardSilhouetteClusterer().grid_choice([curve[k] for k in counts], counts)
    return counts[index]


def test_a_one_point_wobble_on_a_rising_curve_is_not_the_peak():
    """1,500 demo tickets, 14 planted pain points: the dip after 9 themes is noise; 14 themes is chosen."""
    assert _chosen_count(DEMO_1500) == 14


def test_a_plateau_before_the_template_level_rise_is_the_peak():
    """Templated tickets rise again at hundreds of themes; the plateau from 15 themes is the pain-point level."""
    assert _chosen_count(DEMO_20000_SEED_11) == 18


def test_a_plateau_that_dips_and_wobbles_upward_is_still_the_peak():
    """A dip at 18 and a small rise to 28 do not hide the bend at 15 (the old hold rule chose 85 here)."""
    assert _chosen_count(DEMO_20000_SEED_11_CONTENT_MEAN) == 15


def test_a_slow_rise_to_a_real_peak_keeps_the_peak():
    """CLINC150 train (150 intents) rises slowly to its best silhouette at 165 themes; 132 is within 1.5 %."""
    assert _chosen_count(CLINC150_TRAIN) == 132


def test_a_weak_curve_that_comes_down_after_its_best_point_uses_it():
    """HWU64 and StackOverflow titles stay below the floor but peak at 20-70 themes and fall after it."""
    assert _chosen_count({2: 0.05, 3: 0.12, 4: 0.2, 6: 0.15, 9: 0.1}) == 4


# A corpus with many near-duplicate requests per intent: the silhouette never reaches the floor and
# keeps rising to the finest count of the grid (the shape that gave 869 themes for 77 intents).
STILL_RISING_BELOW_FLOOR = {2: 0.04, 3: 0.05, 4: 0.06, 6: 0.07, 9: 0.08, 13: 0.1, 19: 0.12, 28: 0.14, 41: 0.16,
                            60: 0.18, 88: 0.19, 129: 0.195, 189: 0.2, 277: 0.205, 405: 0.21, 593: 0.215,
                            869: 0.22, 1200: 0.225}


def test_a_curve_still_rising_at_the_finest_count_is_read_at_its_knee_not_its_end(caplog):
    """No peak and no bend: the finest grid point would be a theme per handful of texts; the knee is coarser."""
    chosen = _chosen_count(STILL_RISING_BELOW_FLOOR)
    assert 41 <= chosen <= 129
    assert "weak structure" in caplog.text


def test_a_curve_rising_to_the_finest_count_above_the_floor_keeps_its_maximum(caplog):
    """A labelled sample of five texts per label (CLINC150 validation: 750 requests, 150 intents) separates
    best at the finest count the grid allows (a fifth of the rows); that is structure, not noise."""
    curve = {k: 0.05 + 0.25 * (i / 17) ** 2 for i, k in enumerate(sorted(STILL_RISING_BELOW_FLOOR))}
    assert max(curve.values()) >= 0.25
    assert _chosen_count(curve) == 1200
    assert "finer than the grid allows" in caplog.text


def test_structureless_vectors_get_few_themes_and_are_flagged_weak(caplog):
    """Random directions have no themes: the fit says so (field and log line) instead of cutting 117 of 120."""
    import numpy as np

    from topics.config import TopicConfig
    from topics.fit import fit_themes

    vectors = np.random.default_rng(0).normal(size=(600, 64)).astype(np.float32)
    texts = [f"ticket number {i} about item {i % 37}" for i in range(600)]
    result = fit_themes(texts, vectors, TopicConfig(seed=1, threads=1))
    assert result.weak_structure
    assert result.n_themes <= 10
    assert "weak structure" in caplog.text


def test_clearly_separated_groups_are_not_flagged_weak(fake_embedder, grouped):
    from topics.config import TopicConfig
    from topics.fit import fit_themes

    texts, _ = grouped(["refund", "login", "shipping", "invoice"], per_group=15)
    result = fit_themes(texts, fake_embedder.embed(texts), TopicConfig(seed=3, threads=1))
    assert result.n_themes == 4
    assert not result.weak_structure
