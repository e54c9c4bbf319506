"""The tabular import kit: every importer reads, reports and writes through it."""

import gzip
import io
import zipfile

import pytest
import tablib
from django.utils import translation

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.core.tabular import (
    ImportRefused,
    ImportReport,
    RowProblem,
    import_all_or_nothing,
    read_table,
)

HEADER = ["Код", "Название"]
ROWS = [("mfc", "Многофункциональный центр"), ("fns", "Налоговая служба")]


def _csv(separator=",", encoding="utf-8") -> bytes:
    lines = [separator.join(HEADER), *(separator.join(row) for row in ROWS)]
    return ("\n".join(lines) + "\n").encode(encoding)


def _values(table):
    return [list(row.values) for row in table.rows]


def test_utf8_with_a_bom_keeps_the_first_header_clean():
    table = read_table(b"\xef\xbb\xbf" + _csv(), "agencies.csv")
    assert table.headers == HEADER
    assert _values(table) == [list(r) for r in ROWS]


def test_cp1251_from_russian_excel_is_decoded():
    table = read_table(_csv(";", "cp1251"), "agencies.csv")
    assert table.headers == HEADER and table.rows[1].values == ROWS[1]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_the_separator_is_recognised(separator):
    table = read_table(_csv(separator), "agencies.csv")
    assert table.headers == HEADER
    assert _values(table) == [list(r) for r in ROWS]


def test_a_comma_inside_a_semicolon_file_stays_in_its_cell():
    table = read_table("Код;Описание\nmfc;Приём, выдача\n".encode(), "a.csv")
    assert table.rows[0].values == ("mfc", "Приём, выдача")


def test_rows_keep_their_source_numbers_across_blank_lines():
    table = read_table("Код,Название\nmfc,МФЦ\n,\nfns,ФНС\n".encode(), "a.csv")
    assert [row.number for row in table.rows] == [2, 4]
    assert table.records()[1] == (4, {"Код": "fns", "Название": "ФНС"})


def test_csv_gz_is_unpacked():
    table = read_table(gzip.compress(_csv(";", "cp1251")), "agencies.csv.gz")
    assert table.headers == HEADER and len(table.rows) == 2


def test_xlsx_is_read_with_whole_numbers_and_dates_as_text():
    import datetime

    book = tablib.Dataset(headers=["Код", "Число", "Дата"])
    book.append(["mfc", 12.0, datetime.date(2026, 3, 1)])
    table = read_table(io.BytesIO(book.export("xlsx")), "agencies.xlsx")
    assert table.headers == ["Код", "Число", "Дата"]
    assert table.rows[0].number == 2 and table.rows[0].values == ("mfc", "12", "2026-03-01")


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_opened(settings):
    settings.CLIENTCENTRIC_IMPORT_MAX_BYTES = 2**20
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 2**20))
    assert len(buffer.getvalue()) < 2**20, "small on the wire"
    with translation.override("ru"), pytest.raises(ImportRefused) as refused:
        read_table(buffer.getvalue(), "bomb.xlsx")
    assert refused.value.problems[0].file == "bomb.xlsx"
    assert "распакованном виде файл больше 1.0 МБ" in refused.value.problems[0].message


def test_a_gzip_that_unpacks_past_the_limit_is_refused(settings):
    settings.CLIENTCENTRIC_IMPORT_MAX_BYTES = 2**20
    with pytest.raises(ImportRefused):
        read_table(gzip.compress(b"a,b\n" + b"0" * (3 * 2**20)), "big.csv.gz")


def test_another_file_type_is_refused_in_russian():
    with translation.override("ru"), pytest.raises(ImportRefused) as refused:
        read_table(b"{}", "data.json")
    assert ".json" in refused.value.problems[0].message
    assert "не поддерживается" in refused.value.problems[0].message


@pytest.mark.django_db
def test_a_bad_row_is_reported_with_file_row_and_column_and_nothing_is_written():
    table = read_table("code;name\nmfc;МФЦ\nfns;\n".encode("cp1251"), "agencies.csv")

    def write(report):
        for number, cells in table.records():
            if not cells["name"]:
                report.problem(table.name, number, "name", translation.gettext("A value is required."))
                continue
            accounts_services.save_agency(
                Agency(code=cells["code"], name=cells["name"], level="regional", kind="executive")
            )
            report.created["agencies"] += 1

    with translation.override("ru"):
        report = import_all_or_nothing(ImportReport(), write)
        where = str(report.problems[0])
    assert not report.ok
    assert report.problems == [RowProblem("agencies.csv", 3, "name", report.problems[0].message)]
    assert where.startswith("agencies.csv, строка 3, столбец name: ")
    assert not report.created, "a refused file reports no counts"
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_counts_but_writes_nothing():
    def write(report):
        accounts_services.save_agency(Agency(code="mfc", name="МФЦ", level="regional", kind="executive"))
        report.created["agencies"] += 1

    report = import_all_or_nothing(ImportReport(dry_run=True), write)
    assert report.ok and report.created["agencies"] == 1
    assert not Agency.objects.exists()
    assert report.as_dict(kind="agencies")["created"] == 1
