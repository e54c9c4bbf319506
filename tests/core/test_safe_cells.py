"""Exports neutralise formula-like cells (OWASP CSV injection); our importers read them back unchanged."""

import pytest

from clientcentric.core.tabular import csv_table, restore_cell, safe_cell, safe_row


@pytest.mark.parametrize("text", ["=1+1", "+7 999", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_like_text_gets_an_apostrophe_and_comes_back(text):
    assert safe_cell(text) == "'" + text
    assert restore_cell(safe_cell(text)) == text


def test_numbers_and_plain_text_are_left_alone():
    assert safe_row([-5, 2.5, None, "Пенсия", "'quoted", ""]) == [-5, 2.5, None, "Пенсия", "'quoted", ""]
    assert restore_cell("'quoted") == "'quoted"


def test_a_csv_export_reads_back_as_written():
    table = csv_table("name;note\nx;'=1+1\n", "t.csv")
    assert table.rows[0].values == ("x", "=1+1")


def test_the_registry_open_data_csv_is_neutralised(client, registry):
    from clientcentric.registry import services
    from clientcentric.registry.models import FaqEntry

    services.save_faq_entry(
        FaqEntry(code="faq-formula", question="=cmd|' /C calc'!A0", answer="-ответ", topic="т")
    )
    body = client.get("/open-data/faq.csv").content.decode()
    assert "'=cmd" in body and "'-ответ" in body
