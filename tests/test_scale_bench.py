"""A tiny run of benchmarks/scale_bench.py so it never rots (PostgreSQL only)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.scale_helpers import require_postgres

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "scale_bench.py"


@pytest.mark.slow
def test_scale_bench_smoke():
    require_postgres()
    from django.db import connection

    db = connection.settings_dict
    admin_url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--smoke",
            "--admin-url",
            admin_url,
            "--db-name",
            f"{db['NAME']}_bench",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    # Imports with one process per import, then with the parse process.
    imports = [line.split()[1:4] for line in lines if line.startswith("import   ")]
    assert imports == [["1", "worker(s)", "600"], ["2", "worker(s)", "600"]] * 2
    assert result.stdout.count("import speed-up with 2 workers") == 2
    assert "best 2-worker set-up" in result.stdout
    webs = [line.split() for line in lines if line.startswith("capture  ")]
    assert [(row[1], row[3], row[4]) for row in webs] == [
        ("1", "8", "0"),
        ("2", "8", "0"),
    ]
    assert "speed-up with 2 web processes" in result.stdout
    cpu = [line for line in lines if line.strip().startswith("CPU ms per post")]
    assert len(cpu) == 2  # web, PostgreSQL and client, for 1 and 2 web processes
    per_web = [line for line in lines if "posts/s per web process" in line]
    assert [line.count(":") for line in per_web] == [2, 3]
    assert "CPU-bound ceiling" in result.stdout
