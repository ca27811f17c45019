"""Benchmark: which text represents a long ticket (subject, body, how much of the body).

Fits themes exactly as production does (``topics.fit.fit_themes`` with the default config, texts
built by ``topics.text.ticket_text``) on the English tickets of ``multilingual_tickets`` (both
files, duplicates dropped) for several ticket texts, and scores each against the human labels:

* NMI and ARI of the themes against the ticket's queue (10 queues) and type (4 types);
* kNN agreement: the share of each ticket's 10 nearest tickets (cosine) in the same queue, which
  measures the text representation without depending on how many themes the clusterer chose.

One variant removes the courtesies (salutation, "I hope this message finds you well", sign-off) that
open three in four of these bodies, to see whether they crowd the request out of the embedder's window.

Embeddings go through the same DuckDB cache as ``closedloop topics evaluate``, so a second run
embeds nothing. The embedder keeps 128 tokens (about 500-700 characters of English), so body
cuts past that change nothing unless the backend is configured otherwise. Prints a table and
writes bench/results/ticket_text.json.

Usage: python bench/ticket_text.py [--datasets DIR] [--threads N]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

import numpy as np
from benchlib import embedding_cache_file, write_results

HERE = Path(__file__).resolve().parent
DEFAULT_DATASETS = HERE.parent.parent / "shared" / "datasets"
FILES = ("tickets_en_de.csv", "tickets_en_de_es_fr_pt.csv")
VARIANTS: tuple[tuple[str, str, int], ...] = (
    ("subject only", "subject", 0),
    ("body only (first 600 chars)", "body", 600),
    ("subject + first 200 body chars", "both", 200),
    ("subject + first 400 body chars", "both", 400),
    ("subject + first 600 body chars", "both", 600),
    ("subject + whole body", "both", 1_000_000),
    ("subject + 600, courtesies removed", "stripped", 600),
)
"""(name, parts, max_body_chars) of each ticket text measured."""

SALUTATION = re.compile(
    r"^\s*(?:dear|hello|hi|hey|greetings|respected|esteemed|good (?:morning|afternoon|day)|sehr geehrte[rs]?|"
    r"liebe[rs]?|hallo|guten tag|estimad[oa]s?(?:\(a\))?|hola|querid[oa]s?|cher|ch[èe]re|chers|bonjour|salut|"
    r"prezad[oa]s?(?:\(a\))?|ol[áa]|car[oa](?:\(a\))?|gentile|buongiorno)\b[^,\n.!]{0,60}[,!:]?\s*", re.I)
PLEASANTRY = re.compile(
    r"\b(?:i hope (?:this|my) (?:message|e-?mail|note|letter) finds you well|"
    r"ich hoffe,? (?:diese|meine) (?:nachricht|e-?mail) erreicht sie (?:wohl|gut|bei guter gesundheit)|"
    r"espero que (?:esta|este) (?:mensagem|e-?mail) (?:o|a|os|as) encontre bem|"
    r"espero que (?:este|esta) (?:mensaje|correo) (?:le|les|te|lo|la|los) encuentre bien|"
    r"j'esp[èe]re que (?:ce|mon) (?:message|courriel|e-?mail) vous trouve(?: bien| en bonne sant[ée])?)[.!]?\s*", re.I)
SIGN_OFF = re.compile(
    r"\s(?:best regards|kind regards|warm regards|regards|sincerely|best wishes|mit freundlichen gr(?:ü|u)(?:ß|ss)en|"
    r"viele gr(?:ü|u)(?:ß|ss)e|cordialement|bien (?:à|a) vous|atenciosamente|cumprimentos|saludos(?: cordiales)?|"
    r"atentamente|un saludo|cordiali saluti|distinti saluti)\b.*$", re.I | re.S)


def without_courtesies(body: str) -> str:
    """The body without its opening salutation, "I hope this message finds you well" and its sign-off
    (English, German, Spanish, French, Portuguese, Italian): measured here, not done by the product."""
    body = SALUTATION.sub("", body or "", count=1)
    return SIGN_OFF.sub("", PLEASANTRY.sub("", body)).strip()


def load_tickets(datasets: Path) -> list[dict[str, str]]:
    """English tickets with a subject or a body, from both files, exact duplicates dropped."""
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, str]] = []
    csv.field_size_limit(sys.maxsize)
    for name in FILES:
        with (datasets / "multilingual_tickets" / name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = ((row.get("subject") or "").strip(), (row.get("body") or "").strip())
                if row.get("language") != "en" or not any(key) or key in seen:
                    continue
                seen.add(key)
                rows.append(row)
    return rows


def nearest_rows(vectors: np.ndarray, k: int = 10) -> np.ndarray:
    """Indices of each row's k nearest rows by cosine similarity, itself excluded."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argpartition(-similarity, k, axis=1)[:, :k]


def knn_agreement(nearest: np.ndarray, labels: list[str]) -> float:
    """Mean share of each row's nearest rows (from :func:`nearest_rows`) that carry its label."""
    codes = np.unique(np.asarray(labels), return_inverse=True)[1]
    return float((codes[nearest] == codes[:, None]).mean())


def measure(rows: list[dict[str, str]], parts: str, max_body_chars: int, cache_path: Path,
            threads: int) -> dict[str, float | int]:
    """Themes and scores for one ticket text."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from topics.config import TopicConfig
    from topics.embed import EmbeddingCache
    from topics.evaluate import embed_texts
    from topics.fit import fit_themes
    from topics.text import ticket_text

    config = TopicConfig(threads=threads)
    subjects = [r["subject"] if parts in ("subject", "both", "stripped") else "" for r in rows]
    bodies = [(without_courtesies(r["body"]) if parts == "stripped" else r["body"]) if parts != "subject" else ""
              for r in rows]
    texts = [ticket_text(s, b, max_body_chars) for s, b in zip(subjects, bodies, strict=True)]
    keep = [i for i, t in enumerate(texts) if t]
    texts = [texts[i] for i in keep]
    queues = [rows[i]["queue"] for i in keep]
    types = [rows[i]["type"] for i in keep]
    cached = embed_texts(texts, config, EmbeddingCache(cache_path))
    embed_seconds = cached.seconds
    result = fit_themes(texts, cached.vectors, config, languages=cached.languages)
    nearest = nearest_rows(np.asarray(cached.vectors, dtype=np.float32))
    return {
        "rows": len(texts), "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "embedded": cached.embedded, "embed_seconds": round(embed_seconds, 1),
        "n_themes": result.n_themes, "outlier_share": round(result.outlier_share, 4),
        "nmi_queue": round(float(normalized_mutual_info_score(queues, result.assignments)), 4),
        "ari_queue": round(float(adjusted_rand_score(queues, result.assignments)), 4),
        "nmi_type": round(float(normalized_mutual_info_score(types, result.assignments)), 4),
        "knn_queue": round(knn_agreement(nearest, queues), 4),
        "knn_type": round(knn_agreement(nearest, types), 4),
    }


def main() -> int:
    """Measure every ticket text, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=str(DEFAULT_DATASETS))
    parser.add_argument("--out", default=str(HERE / "results" / "ticket_text.json"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    datasets = Path(args.datasets)
    if not (datasets / "multilingual_tickets" / FILES[0]).exists():
        print(f"no multilingual_tickets in {datasets}", file=sys.stderr)
        return 1
    cache_file = embedding_cache_file()
    rows = load_tickets(datasets)
    results: dict[str, dict] = {}
    for name, parts, max_body_chars in VARIANTS:
        print(f"{name} ...", file=sys.stderr, flush=True)
        results[name] = measure(rows, parts, max_body_chars, cache_file, args.threads)

    header = (f"{'ticket text':32s} {'chars':>6s} {'themes':>6s} {'NMI q':>6s} {'ARI q':>6s} {'NMI t':>6s} "
              f"{'kNN q':>6s} {'kNN t':>6s} {'embed s':>7s}")
    print(f"{len(rows):,} English tickets; q = queue (10), t = type (4); kNN = same label among 10 nearest")
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(f"{name:32s} {r['mean_chars']:6.0f} {r['n_themes']:6d} {r['nmi_queue']:6.3f} {r['ari_queue']:6.3f} "
              f"{r['nmi_type']:6.3f} {r['knn_queue']:6.3f} {r['knn_type']:6.3f} {r['embed_seconds']:7.1f}")
    write_results(args.out, {"tickets": len(rows), "results": results}, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
