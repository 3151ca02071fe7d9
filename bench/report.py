"""The printed report: Markdown tables, so that a run can be pasted into bench/README.md as it is."""

from __future__ import annotations

import statistics


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A Markdown table, columns padded; `right` are the indexes of right-aligned columns."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [max(len(str(row[column])) for row in [headers, *rows]) for column in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = (str(cell).rjust(width) if index in right else str(cell).ljust(width)
                  for index, (cell, width) in enumerate(zip(cells, widths, strict=True)))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (width + 1) + ":") if index in right else ("-" * (width + 2))
                          for index, width in enumerate(widths)) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f}"


def heading(results: dict) -> str:
    settings, found = results.get("settings", {}), results.get("versions", {})
    where = results.get("machine", {})
    database = settings.get("db", "?")
    if database == "postgresql" and found.get("postgresql"):
        database = f"PostgreSQL {found['postgresql']}"
    elif database == "sqlite":
        database = f"SQLite {found.get('sqlite', '')}".strip()
    data = "demo dataset" if settings.get("fresh") else f"existing database {settings.get('db_name') or ''}"
    if settings.get("insurees"):
        data += f" + {settings['insurees']} generated insurees"
    commit = found.get("commit", "?")
    if found.get("uncommitted_changes"):
        commit += f" (+{found['uncommitted_changes']} uncommitted files in the tree)"
    load, load_end = where.get("load_average_at_start"), where.get("load_average_at_end")
    packages = ", ".join(f"{name} {found[name]}" for name in ("Django", "graphene", "graphql-core", "psycopg",
                                                               "waitress", "gunicorn") if name in found)
    return "\n".join([
        f"openIMIS Lite benchmark, {results.get('date', '?')}",
        f"machine: {where.get('system', '?')}, {where.get('cores', '?')} cores"
        + (f", load average {load:.2f} at start" if load is not None else "")
        + (f", {load_end:.2f} at the end" if load_end is not None else ""),
        f"database: {database}; data: {data}",
        f"server: openimis-lite {found.get('openimis-lite', '?')} at {commit}, "
        f"Python {found.get('python', '?')}",
        f"packages: {packages}",
        f"load generator: {found.get('wrk') or 'wrk not installed'}",
    ])


def startup_table(results: dict) -> str:
    groups: dict[tuple[str, int], list[dict]] = {}
    for entry in results.get("startup", []):
        groups.setdefault((entry["kind"], entry["workers"]), []).append(entry)
    rows = []
    for (kind, workers), entries in groups.items():
        seconds = [entry["seconds"] for entry in entries]
        cpu = [entry["cpu_seconds"] for entry in entries if entry["cpu_seconds"] is not None]
        rows.append([kind, str(workers), str(len(entries)), number(min(seconds), 2),
                     number(statistics.median(seconds), 2), number(min(cpu), 2) if cpu else "-"])
    return table(["start-up to first answer", "workers", "runs", "best s", "median s", "best CPU s"], rows)


def memory_table(results: dict) -> str:
    rows = [[str(entry["workers"]), entry["moment"], str(entry["processes"]), mib(entry["rss_kib"]),
             mib(entry["pss_kib"])] for entry in results.get("memory", [])]
    return table(["workers", "moment", "processes", "RSS MiB", "PSS MiB"], rows, right={0, 2, 3, 4})


def operations_table(results: dict) -> str:
    rows = []
    for entry in results.get("operations", []):
        floor = results.get("sql", {}).get(entry["operation"], {})
        if "error" in entry:
            rows.append([entry["operation"], "failed", "", "", "", "", "", "", ""])
            continue
        sql = ([str(floor["statements"]), str(floor["max_joins"]), number(floor["logged_ms"], 2),
                number(floor["planning_ms"], 2), number(floor["execution_ms"], 2)]
               if "statements" in floor else ["-"] * 5)
        rows.append([entry["operation"], number(entry["median_ms"]), number(entry["p90_ms"]),
                     number(entry["p99_ms"]), *sql])
    return table(["operation", "median ms", "p90 ms", "p99 ms", "statements", "max joins", "SQL logged ms",
                  "planning ms", "execution ms"], rows)


def throughput_table(results: dict) -> str:
    rows = []
    for entry in results.get("throughput", []):
        if "error" in entry:
            rows.append([str(entry["workers"]), str(entry["connections"]), "failed", "", "", "", "", ""])
            continue
        rows.append([str(entry["workers"]), str(entry["connections"]), number(entry["requests_per_second"]),
                     number(entry["p50_ms"]), number(entry["p99_ms"]), str(entry["non_2xx"]),
                     str(entry["socket_errors"]), f"{entry['graphql_errors']} of {entry['checked']}"])
    return table(["workers", "connections", "requests/s", "p50 ms", "p99 ms", "non-2xx", "socket errors",
                  "GraphQL errors"], rows, right=set(range(8)))


def failures(results: dict) -> list[str]:
    found = [f"- {entry['operation']}: {entry['error']}" for entry in results.get("operations", [])
             if "error" in entry]
    found += [f"- SQL of {name}: {entry['error']}" for name, entry in results.get("sql", {}).items()
              if "error" in entry]
    found += [f"- wrk, {entry['workers']} worker(s), {entry['connections']} connections: {entry['error']}"
              for entry in results.get("throughput", []) if "error" in entry]
    return found


def print_report(results: dict) -> None:
    settings = results.get("settings", {})
    print()
    print(heading(results))
    print()
    print(startup_table(results))
    if results.get("generate_data_seconds") is not None:
        said = results.get("generate_data_said", "")
        print(f"\ngenerate_data took {results['generate_data_seconds']} s: {said}")
    print()
    print(memory_table(results))
    print(f"\nSingle client, {settings.get('rounds')} timed rounds per operation after "
          f"{settings.get('warmup')} untimed; SQL: one request of each, read from DB_QUERIES_LOG_FILE")
    print()
    print(operations_table(results))
    if results.get("throughput"):
        print(f"\nThroughput: wrk -t2, {settings.get('load_seconds')} s per run, POST insurees chfId prefix "
              "search as Admin")
        print()
        print(throughput_table(results))
    problems = failures(results)
    if problems:
        print("\nFailures:")
        print("\n".join(problems))
