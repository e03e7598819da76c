"""results.csv: one row per cell, numbers round-trip, no duplicates, a torn last line is dropped."""

from __future__ import annotations

import math

from li2verify.sweep.table import RESULTS, ROW_FIELDS, append_rows, read_rows


def _row(i: int, **kw) -> dict:
    r = {k: None for k in ROW_FIELDS}
    r.update(group="Z5", family="cyclic prime", M=5, max_dk=1, p=(10 + i) / 25, p_spec=0.4, n=10 + i, seed=i,
             lr=1e-3, wd=2e-4, K=8, epochs=30, activation="square", optimizer="adam", final_test_acc=0.1 * i,
             best_test_acc=0.5, epoch_success=None if i % 2 else 20, threshold=0.9, train_acc=1.0,
             energy=math.pi, energy_unit=1 / 3, wall_s=0.01, program_cells=4, status="complete",
             cell_id=f"c{i:011x}", protocol="text", epochs_run=30)
    r.update(kw)
    return r


def test_rows_round_trip_and_are_never_duplicated(tmp_path):
    rows = [_row(i) for i in range(4)]
    assert append_rows(tmp_path, rows[:3]) == 3
    assert append_rows(tmp_path, rows[1:]) == 1  # rows 1 and 2 already there
    back = read_rows(tmp_path)
    assert [r["cell_id"] for r in back] == [f"c{i:011x}" for i in range(4)]
    for a, b in zip(rows, back):
        assert a == b
    assert read_rows(tmp_path / "nothing") == []


def test_a_torn_last_line_is_dropped(tmp_path):
    append_rows(tmp_path, [_row(0), _row(1)])
    path = tmp_path / RESULTS
    text = path.read_text()
    path.write_text(text + text.splitlines()[1][:30])  # a partial row without newline
    assert [r["cell_id"] for r in read_rows(tmp_path)] == ["c00000000000", "c00000000001"]
    append_rows(tmp_path, [_row(2)])
    assert path.read_text().count("\n") == 4 and path.read_text().endswith("\n")


def test_a_table_written_before_the_protocol_and_epochs_run_columns_reads_with_their_defaults(tmp_path):
    append_rows(tmp_path, [_row(0), _row(1)])
    path = tmp_path / RESULTS
    lines = [ln.split(",") for ln in path.read_text().splitlines()]
    keep = [i for i, k in enumerate(lines[0]) if k not in ("protocol", "epochs_run")]
    path.write_text("\n".join(",".join(ln[i] for i in keep) for ln in lines) + "\n")
    back = read_rows(tmp_path)
    assert [(r["protocol"], r["epochs_run"]) for r in back] == [("text", 30), ("text", 30)]
