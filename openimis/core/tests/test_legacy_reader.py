"""The CSV reader of the legacy tables keeps PostgreSQL's NULL (empty, unquoted) apart from "" (quoted)."""

from __future__ import annotations

import pytest

from openimis.core.legacy_import.convert import with_line_breaks
from openimis.core.legacy_import.reader import read_rows, split_records


@pytest.mark.parametrize(("text", "records"), [
    ('a,b,c\n1,"",\n', [["a", "b", "c"], ["1", "", None]]),
    ('a,b\n"x,""y""\nz",\r\n,3\n', [["a", "b"], ['x,"y"\nz', None], [None, "3"]]),
    ("a,b\n1,", [["a", "b"], ["1", None]]),
    ("a,b\n1,2", [["a", "b"], ["1", "2"]]),
    ("", []),
])
def test_split_records(text, records):
    assert list(split_records(text)) == records


def test_an_unclosed_quote_is_refused():
    with pytest.raises(ValueError, match="not closed"):
        list(split_records('a\n"open\n'))


def test_rows_by_column(tmp_path):
    (tmp_path / "tblThing.csv").write_text('ID,Name,Phone\n1,"",\n2,Ann,"555"\n\n', encoding="utf-8")
    assert list(read_rows(tmp_path, "tblThing")) == [{"ID": "1", "Name": "", "Phone": None},
                                                     {"ID": "2", "Name": "Ann", "Phone": "555"}]
    assert list(read_rows(tmp_path, "tblAbsent")) == []


def test_line_breaks_of_legacy_addresses():
    assert with_line_breaks("Box 1\\nTown\\r\\n") == "Box 1\nTown\n"
    assert with_line_breaks(None) is None and with_line_breaks("") == ""
