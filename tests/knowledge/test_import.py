import csv
import io
import json
from pathlib import Path

import pytest
import tablib
from django.core.management import call_command

from clientcentric.knowledge.models import Article, ArticleVersion
from clientcentric.knowledge.tabular import export_articles, import_articles

REAL = Path(__file__).resolve().parents[2] / "data" / "faq" / "knowledge_base.csv"
REAL_COLUMNS = {"question_column": "Вопрос из БЗ", "answer_column": "Ответ из БЗ", "topic_column": "Тема"}


def csv_bytes(rows, headers=("question", "answer", "topic")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


ROWS = [
    ("Как удалить канал?", "В настройках канала.", "Канал"),
    ("Как загрузить видео?", "Нажмите «Загрузить».", "Видео"),
]


def test_import_creates_published_articles_with_a_first_version(db):
    report = import_articles(csv_bytes(ROWS), "kb.csv")
    assert report.ok and report.created["articles"] == 2
    article = Article.objects.get(question="Как удалить канал?")
    assert article.status == "published" and article.topic == "Канал"
    assert article.current_version.number == 1


def test_reimporting_an_unchanged_file_writes_nothing(db):
    import_articles(csv_bytes(ROWS), "kb.csv")
    versions = ArticleVersion.objects.count()
    report = import_articles(csv_bytes(ROWS), "kb.csv")
    assert (report.created["articles"], report.updated["articles"], report.unchanged["articles"]) == (0, 0, 2)
    assert ArticleVersion.objects.count() == versions


def test_a_changed_answer_is_a_new_version(db):
    import_articles(csv_bytes(ROWS), "kb.csv")
    report = import_articles(csv_bytes([(ROWS[0][0], "Новый ответ.", "Канал"), ROWS[1]]), "kb.csv")
    assert (report.updated["articles"], report.unchanged["articles"]) == (1, 1)
    assert Article.objects.get(question="Как удалить канал?").versions.count() == 2


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(db):
    report = import_articles(csv_bytes([ROWS[0], ("Вопрос без ответа?", "", "Канал")]), "kb.csv")
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(3, "answer")]
    assert not Article.objects.exists()


def test_a_repeated_row_is_fine_but_a_conflicting_one_is_an_error(db):
    assert import_articles(csv_bytes([ROWS[0], ROWS[0]]), "kb.csv").details["duplicates"] == 1
    report = import_articles(csv_bytes([ROWS[1], (ROWS[1][0], "Другое.", ROWS[1][2])]), "b.csv")
    assert not report.ok and report.problems[0].row == 3


def test_a_missing_column_is_reported_with_the_columns_found(db):
    report = import_articles(csv_bytes(ROWS), "kb.csv", question_column="Вопрос")
    assert not report.ok
    assert "Вопрос" in report.problems[0].message and "question" in report.problems[0].message


def test_a_semicolon_separated_cp1251_file_from_russian_excel_imports(db):
    report = import_articles("question;answer;topic\nВопрос?;Ответ.;Тема\n".encode("cp1251"), "kb.csv")
    assert report.ok, report.problems
    assert Article.objects.get(question="Вопрос?").answer == "Ответ."


def test_a_file_of_another_kind_is_refused(db):
    report = import_articles(b"question,answer\n", "kb.txt")
    assert not report.ok and ".txt" in report.problems[0].message
    assert not Article.objects.exists()


def test_xlsx_imports_and_export_round_trips(db):
    dataset = tablib.Dataset(*ROWS, headers=["question", "answer", "topic"])
    assert import_articles(dataset.export("xlsx"), "kb.xlsx").created["articles"] == 2
    exported = export_articles("xlsx")
    report = import_articles(exported, "again.xlsx")
    assert report.ok and report.unchanged["articles"] == 2


def test_the_real_knowledge_base_imports_with_its_column_names(db):
    report = import_articles(REAL.read_bytes(), REAL.name, **REAL_COLUMNS)
    assert report.ok, report.problems[:3]
    assert (report.rows, report.created["articles"], report.details["duplicates"]) == (326, 318, 8)
    again = import_articles(REAL.read_bytes(), REAL.name, **REAL_COLUMNS)
    assert (again.created["articles"], again.updated["articles"], again.unchanged["articles"]) == (0, 0, 318)


def test_cli_import_export_and_search(db, tmp_path, capsys):
    source = tmp_path / "kb.csv"
    source.write_bytes(csv_bytes(ROWS))
    call_command("kb", "import", str(source), "--json")
    assert json.loads(capsys.readouterr().out)["created"] == 2

    target = tmp_path / "out.csv"
    call_command("kb", "export", "--format", "csv", "--output", str(target))
    exported = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {row["question"] for row in exported} == {r[0] for r in ROWS}

    capsys.readouterr()
    call_command("kb", "search", "удалить канал", "--top", "3", "--json")
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["question"] == "Как удалить канал?"


def test_cli_import_of_a_bad_file_exits_with_the_report(db, tmp_path, capsys):
    source = tmp_path / "kb.csv"
    source.write_bytes(csv_bytes([("Вопрос?", "", "")]))
    with pytest.raises(SystemExit):
        call_command("kb", "import", str(source))
    assert "answer" in capsys.readouterr().out


def test_cli_batch_search_keeps_the_input_columns_and_adds_hits(db, tmp_path):
    import_articles(csv_bytes(ROWS), "kb.csv")
    questions = tmp_path / "q.csv"
    questions.write_text(
        "id,Вопрос пользователя\n1,как удалить мой канал\n2,не могу загрузить видео\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    call_command(
        "kb",
        "search",
        "--input",
        str(questions),
        "--column",
        "Вопрос пользователя",
        "--top",
        "3",
        "--output",
        str(out),
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["id", "Вопрос пользователя", "hit1", "hit2", "hit3"]
    assert rows[0]["id"] == "1" and rows[0]["hit1"] == "Как удалить канал?"
    assert rows[1]["hit1"] == "Как загрузить видео?"
