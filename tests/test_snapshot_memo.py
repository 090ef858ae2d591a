"""The in-process memo of validated snapshot reads (helpers.snapshot.read_indicator).

The memo is keyed by the file's bytes, so every edit between two reads is seen, a bad file
fails on every read, and no caller can change what the next caller gets.
"""
import os

import pandas as pd
import pytest

from helpers import snapshot
from helpers.snapshot import SnapshotError, read_indicator, write_indicator

from test_snapshot import row


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    snapshot.clear_memo()
    yield tmp_path
    snapshot.clear_memo()


@pytest.fixture
def checked_rows(monkeypatch):
    """How many rows were validated (a memo hit validates none)."""
    calls = []
    original = snapshot._check_row

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(snapshot, "_check_row", counting)
    return calls


def two_rows():
    return pd.DataFrame([row(), row(area_code="000", area_name="Hele landet", value=5812.0, origin="harvest/t.csv:3")])


def test_an_edit_between_two_reads_is_seen(data_dir):
    path = write_indicator("test_indicator", two_rows())
    assert read_indicator("test_indicator")["value"].tolist() == [5812.0, 29993.0]
    stat = path.stat()
    # Same length and the same modification time: only the bytes tell the two versions apart.
    path.write_bytes(path.read_bytes().replace(b",29993,", b",29994,"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert read_indicator("test_indicator")["value"].tolist() == [5812.0, 29994.0]


def test_a_second_read_of_unchanged_bytes_validates_nothing(data_dir, checked_rows):
    write_indicator("test_indicator", two_rows())
    checked_rows.clear()
    first = read_indicator("test_indicator")
    assert len(checked_rows) == 2
    second = read_indicator("test_indicator")
    assert len(checked_rows) == 2
    pd.testing.assert_frame_equal(first, second)


def test_mutating_a_returned_frame_does_not_change_the_next_read(data_dir):
    write_indicator("test_indicator", two_rows())
    pristine = read_indicator("test_indicator")
    frame = read_indicator("test_indicator")
    frame.loc[0, "value"] = -1.0
    frame.loc[1, "area_name"] = "changed"
    frame["note"] = "changed"
    frame["value"].array[1] = -2.0  # the array itself, past copy-on-write
    frame["quote"].array[0] = "changed"
    again = read_indicator("test_indicator")
    pd.testing.assert_frame_equal(again, pristine)
    assert again is not pristine and again["value"].array is not pristine["value"].array


def test_a_bad_file_fails_on_every_read(data_dir, checked_rows):
    path = write_indicator("test_indicator", two_rows())
    good = path.read_bytes()
    read_indicator("test_indicator")
    path.write_bytes(good.replace(b",29993,", b",n/a,"))
    for _ in range(3):
        with pytest.raises(SnapshotError, match=r"test_indicator\.csv:3: value 'n/a'"):
            read_indicator("test_indicator")
    # Back to the good bytes: the memo still has them, and the error is gone.
    path.write_bytes(good)
    checked_rows.clear()
    assert read_indicator("test_indicator")["value"].tolist() == [5812.0, 29993.0]
    assert checked_rows == []


def test_the_error_names_the_file_that_was_read(tmp_path, monkeypatch):
    # The same bytes are good in one folder's memo entry; a broken copy elsewhere names itself.
    snapshot.clear_memo()
    good_dir, bad_dir = tmp_path / "good", tmp_path / "bad"
    monkeypatch.setenv("VISION_DATA_DIR", str(good_dir))
    content = write_indicator("test_indicator", two_rows()).read_bytes()
    read_indicator("test_indicator")
    (bad_dir / "snapshot").mkdir(parents=True)
    (bad_dir / "snapshot" / "test_indicator.csv").write_bytes(content.replace(b",29993,", b",n/a,"))
    monkeypatch.setenv("VISION_DATA_DIR", str(bad_dir))
    with pytest.raises(SnapshotError, match=r"bad/snapshot/test_indicator\.csv:3"):
        read_indicator("test_indicator")
    snapshot.clear_memo()


def test_the_same_bytes_under_another_id_are_validated_for_that_id(data_dir):
    content = write_indicator("test_indicator", two_rows()).read_bytes()
    read_indicator("test_indicator")
    (data_dir / "snapshot" / "other_indicator.csv").write_bytes(content)
    with pytest.raises(SnapshotError, match="does not match file 'other_indicator'"):
        read_indicator("other_indicator")


def test_a_deleted_file_reads_as_empty(data_dir):
    path = write_indicator("test_indicator", two_rows())
    read_indicator("test_indicator")
    path.unlink()
    assert read_indicator("test_indicator").empty


def test_the_memo_is_bounded(data_dir, monkeypatch):
    monkeypatch.setattr(snapshot, "MEMO_SIZE", 3)
    for i in range(6):
        write_indicator("test_indicator", pd.DataFrame([row(value=float(i))]))
        assert read_indicator("test_indicator")["value"].tolist() == [float(i)]
        assert len(snapshot._MEMO) <= 3


def test_undecodable_bytes_fail_as_when_the_file_is_read_directly(data_dir):
    path = write_indicator("test_indicator", two_rows())
    path.write_bytes(path.read_bytes().replace(b"Sor\xc3\xb8", b"Sor\xf8"))
    with pytest.raises(UnicodeDecodeError) as direct:
        with path.open(encoding="utf-8", newline="") as fh:
            fh.read()
    with pytest.raises(UnicodeDecodeError) as memo_read:
        read_indicator("test_indicator")
    assert str(memo_read.value) == str(direct.value)
