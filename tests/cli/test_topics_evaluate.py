from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"

TEXTS = {
    "refund": ["I want my money back", "please refund my order", "refund has not arrived", "return and refund this",
               "how do I get a refund", "refund the charge"],
    "password": ["I forgot my password", "reset my password please", "password reset email never came",
                 "cannot change my password", "password not accepted", "new password does not work"],
    "delivery": ["where is my parcel", "my package has not arrived", "delivery is late", "track my delivery",
                 "the courier lost my package", "parcel delivered to wrong address"],
    "invoice": ["send me a copy of the invoice", "the invoice amount is wrong", "I need an invoice with VAT",
                "invoice address must change", "download my invoice", "invoice is missing"],
}


def _csv(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "body", "queue"])
        for label, texts in TEXTS.items():
            for i, text in enumerate(texts):
                writer.writerow([f"{label}-{i}", text, label])
        writer.writerow(["empty", "", "refund"])
    return path


def test_evaluate_json_prints_one_object_with_the_scores(tmp_path, capsys):
    from closedloop.cli import main

    code = main(["topics", "evaluate", "--input", str(_csv(tmp_path / "t.csv")), "--text-col", "body",
                 "--label-col", "queue", "--json", "--threads", "1"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert {"n_themes", "outlier_share", "seconds", "nmi", "ari", "weak_structure", "word_view"} <= set(report)
    assert isinstance(report["word_ratio"], float)
    assert report["rows"] == 24
    assert report["nmi"] > 0.5


def test_evaluate_pooling_flag_picks_the_vectors_and_names_them(tmp_path, capsys):
    from closedloop.cli import main

    code = main(["topics", "evaluate", "--input", str(_csv(tmp_path / "t.csv")), "--text-col", "body",
                 "--label-col", "queue", "--json", "--threads", "1", "--pooling", "model"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model_id"] == "all-MiniLM-L6-v2|torch|max128"
    assert report["nmi"] > 0.5


def test_evaluate_reuses_cached_embeddings_on_a_second_run(tmp_path):
    from closedloop.cli.topics import evaluate

    path = _csv(tmp_path / "t.csv")
    first = evaluate(path, "body", quiet=True)
    second = evaluate(path, "body", quiet=True)
    assert first["embedded"] == 24
    assert second["embedded"] == 0
    assert "nmi" not in second


def test_a_missing_column_is_named_in_the_error(tmp_path, capsys):
    from closedloop.cli import main

    code = main(["topics", "evaluate", "--input", str(_csv(tmp_path / "t.csv")), "--text-col", "text"])
    assert code == 2
    assert "no column 'text'" in capsys.readouterr().err


@pytest.mark.skipif(not (DATASETS / "clinc150" / "clinc150_full.csv").exists(),
                    reason="shared/datasets/clinc150 is not beside the project")
def test_clinc150_sample_reads_with_the_documented_columns():
    with (DATASETS / "clinc150" / "clinc150_full.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header == ["split", "text", "intent", "domain"]
