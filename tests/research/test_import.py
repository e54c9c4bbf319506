import pytest
import tablib

from clientcentric.research import importing, services
from clientcentric.research.models import EvidenceDataset, EvidenceRecord, EvidenceUpload

CSV = (
    "Дата;Тема;Район;Удовлетворён;Часы до ответа;Комментарий\n"
    "2021-02-01;Неисправный лифт;Невский;да;48;первое\n"
    "02.02.2021;Мусор во дворе;Невский;нет;120,5;второе\n"
)
MAPPING = {
    "Дата": "occurred_on",
    "Тема": "topic",
    "Район": "district",
    "Удовлетворён": "satisfied",
    "Часы до ответа": "response_hours",
    "Комментарий": importing.EXTRA,
}


def _upload(people, text=CSV, name="stats.csv"):
    return services.upload_evidence(text.encode("utf-8"), name, actor=people["analyst"])


def test_a_mapped_csv_imports_every_row(people, yard):
    report = services.import_evidence_upload(
        _upload(people), MAPPING, title="Опрос", kind="statistics", actor=people["analyst"]
    )
    assert report.ok and report.created["records"] == 2
    first, second = EvidenceRecord.objects.order_by("id")
    assert first.satisfied is True and first.response_hours == 48 and first.extra == {"Комментарий": "первое"}
    assert second.occurred_on.isoformat() == "2021-02-02" and second.response_hours == 120.5


def test_unmapped_columns_are_refused_with_their_names(people, yard):
    mapping = dict(MAPPING)
    del mapping["Комментарий"]
    report = services.import_evidence_upload(_upload(people), mapping, title="Опрос", kind="statistics")
    assert not report.ok
    assert "Комментарий" in report.problems[0].message
    assert not EvidenceDataset.objects.exists()


def test_one_bad_row_refuses_the_whole_file_and_names_row_and_column(people, yard):
    text = CSV + "2021-13-45;Лифт;Невский;может быть;-3;третье\n"
    report = services.import_evidence_upload(_upload(people, text), MAPPING, title="Опрос", kind="statistics")
    assert not report.ok
    where = {(p.row, p.column) for p in report.problems}
    assert {(4, "Дата"), (4, "Удовлетворён"), (4, "Часы до ответа")} <= where
    assert not EvidenceRecord.objects.exists()


def test_unknown_need_code_is_a_row_problem(people, yard):
    text = "need;n\nhy-lift;3\nno-such-need;1\n"
    saved = _upload(people, text)
    report = services.import_evidence_upload(
        saved, {"need": "need", "n": "count"}, title="t", kind="complaints"
    )
    assert [(p.row, p.column) for p in report.problems] == [(3, "need")]


def test_xlsx_is_read(people, yard):
    book = tablib.Dataset(headers=["Тема", "Количество"])
    book.append(["Неисправный лифт", 12])
    saved = services.upload_evidence(book.export("xlsx"), "complaints.xlsx", actor=people["analyst"])
    report = services.import_evidence_upload(
        saved, {"Тема": "topic", "Количество": "count"}, title="Жалобы", kind="complaints"
    )
    assert report.ok and EvidenceRecord.objects.get().count == 12


def test_other_formats_and_headerless_files_are_refused(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.upload_evidence(b"{}", "data.json", actor=people["analyst"])
    with pytest.raises(ValidationError):
        services.upload_evidence(b"a;;b\n1;2;3\n", "data.csv", actor=people["analyst"])


def test_the_upload_page_maps_previews_and_imports(client, people, yard):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["analyst"])
    response = client.post(
        "/research/evidence/import/", {"file": SimpleUploadedFile("stats.csv", CSV.encode())}
    )
    saved = EvidenceUpload.objects.get()
    assert response["Location"] == f"/research/evidence/import/{saved.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Часы до ответа" in page
    form = {f"map-{i}": MAPPING[h] for i, h in enumerate(saved.headers)}
    preview = client.post(
        response["Location"], {**form, "action": "preview", "title": "Опрос", "kind": "statistics"}
    )
    assert "Неисправный лифт" in preview.content.decode() and not EvidenceRecord.objects.exists()
    unmapped = client.post(response["Location"], {"action": "import", "title": "Опрос", "kind": "statistics"})
    assert "Комментарий" in unmapped.content.decode() and not EvidenceRecord.objects.exists()
    done = client.post(
        response["Location"], {**form, "action": "import", "title": "Опрос", "kind": "statistics"}
    )
    assert done.status_code == 302 and EvidenceRecord.objects.count() == 2


def test_a_semicolon_separated_cp1251_file_from_russian_excel_imports(people, yard):
    saved = services.upload_evidence(CSV.encode("cp1251"), "stats.csv", actor=people["analyst"])
    assert saved.headers[1] == "Тема"
    report = services.import_evidence_upload(saved, MAPPING, title="Опрос", kind="statistics")
    assert report.ok and EvidenceRecord.objects.filter(topic="Мусор во дворе").exists()
