"""The benchmark's figures as a terminal table and as Markdown (same numbers as the JSON)."""

TARGETS = {
    "floor": "—",
    "anonymous_article": "≥ 50 %, p99 < 3x floor, ≤ 40 KB",
    "member_article": "≥ 20 %",
    "permalink": "≥ 10 %",
    "moderation_queue": "≥ 10 %",
    "post_comment": "≥ 5 %",
    "report_comment": "—",
    "search": "p50 < 50 ms, one reader",
    "viral_article": "≥ 50 %, freshness p99 ≤ 1 s",
    "nginx_anonymous": "≥ 300 %",
}


def _num(value, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}{suffix}" if value >= 10 else f"{value:.2f}{suffix}"
    return f"{value:,}{suffix}"


def _ratio(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _rows(results: dict) -> list[tuple[list[str], list[list[str]]]]:
    sections = []
    head = ["scenario", "req/s", "of floor", "target", "p50 ms", "p99 ms", "errors", "queries",
            "status", "RSS MB", "restarts"]  # fmt: skip
    rows = []
    for name, f in results["scenarios"].items():
        if not f.get("available"):
            rows.append([name, f.get("note", "not available"), "", TARGETS.get(name, ""),
                         "", "", "", "", _num(f.get("status")), "", ""])  # fmt: skip
            continue
        rows.append([name, _num(f["rps"]), _ratio(f["ratio_to_floor"]), TARGETS.get(name, ""),
                     _num(f["p50_ms"]), _num(f["p99_ms"]), _num(f["errors"]), _num(f["queries"]),
                     _num(f["status"]), _num(f.get("rss_mb")),
                     _num(f.get("worker_restarts"))])  # fmt: skip
    for name, f in results.get("checks", {}).items():
        rows.append([f"({name})", _num(f.get("rps")), "", "harness check", _num(f.get("p50_ms")),
                     _num(f.get("p99_ms")), _num(f.get("errors")), _num(f.get("queries")),
                     _num(f.get("status")), "", _num(f.get("worker_restarts"))])  # fmt: skip
    sections.append((head, rows))
    for kind, label in (("article", "comments"), ("queue", "queue items")):
        head = [label, "req/s", "of floor", "p99 ms", "errors", "queries"]
        if kind == "article":
            head.append("member queries")
        rows = []
        for size, f in results["scaling"][kind].items():
            if not f.get("available"):
                rows.append([size, f.get("note", "not available"), "", "", "", ""]
                            + ([""] if kind == "article" else []))  # fmt: skip
                continue
            row = [_num(int(size)), _num(f["rps"]), _ratio(f["ratio_to_floor"]),
                   _num(f["p99_ms"]), _num(f["errors"]), _num(f["queries"])]  # fmt: skip
            if kind == "article":
                row.append(_num(f.get("member_queries")))
            rows.append(row)
        sections.append((head, rows))
    r = results["rendering"]
    sections.append(
        (
            ["rendering", "value"],
            [
                ["comments rendered / s", _num(r["comments_per_second"])],
                ["mean per comment (ms)", _num(r["mean_ms"])],
                ["slowest dataset comment (ms)", _num(r["slowest_dataset_ms"])],
                [
                    "slowest hostile input (ms)",
                    f"{_num(r['slowest_hostile_ms'])} ({r['slowest_hostile_input']})",
                ],
                *[[f"  hostile: {k}", _num(v)] for k, v in r["hostile_ms"].items()],
            ],
        )
    )
    return sections


def _notes(results: dict) -> list[str]:
    """Figures beyond the table's columns: bytes sent, and the viral article's posting."""
    notes = []
    for name in ("floor", "anonymous_article"):
        if (f := results["scenarios"].get(name, {})).get("available"):
            notes.append(f"{name}: {f.get('kb_per_response')} KB per response (gzip accepted)")
    if (v := results["scenarios"].get("viral_article", {})).get("available"):
        notes.append(
            f"viral_article: {v['posts_per_s']} posts/s ({v['posts']} posts, "
            f"{v['post_errors']} refused), freshness p50 {v['freshness_p50_s']} s, "
            f"p99 {v['freshness_p99_s']} s, max {v['freshness_max_s']} s over "
            f"{v['freshness_samples']} samples ({v['freshness_unseen']} never seen), "
            f"{v['kb_per_response']} KB per response"
        )
    if (n := results["scenarios"].get("nginx_anonymous", {})).get("available"):
        notes.append(
            f"nginx_anonymous: over HTTPS through aposbook/deploy/nginx.conf (microcache: "
            f"{', '.join(n['x_cache_status'])}), {n['kb_per_response']} KB per response"
        )
    notes.append(
        "restarts: gunicorn workers recycled during the measured run (the shipped "
        "aposbook/gunicorn.conf.py, max_requests 2000 + jitter)"
    )
    return notes


def table(results: dict) -> str:
    out = []
    for head, rows in _rows(results):
        widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
        line = "  ".join
        out.append(line(h.ljust(w) for h, w in zip(head, widths, strict=True)))
        out.append(line("-" * w for w in widths))
        out.extend(line(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
        out.append("")
    m = results["machine"]
    out.append(
        f"{m['cpu']} ({m['cores']} cores), Python {m['python']}, Django {m['django']}, "
        f"{m['database']}, cache {m['cache']}; {results['mode']} mode, "
        f"{results['settings']['duration_s']} s runs, wrk -t{results['settings']['threads']} "
        f"-c{results['settings']['connections']}; worker RSS {results.get('worker_rss_mb')} MB; "
        f"load average at start {m.get('load_average_1m_at_start')}"
    )
    out.extend(_notes(results))
    return "\n".join(out)


def markdown(results: dict) -> str:
    out = [f"# Benchmark ({results['mode']} mode, {results.get('finished_at', '')})", ""]
    for head, rows in _rows(results):
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        out.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
        out.append("")
    m = results["machine"]
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()))
    out.extend(["", *(f"- {note}" for note in _notes(results))])
    return "\n".join(out) + "\n"
