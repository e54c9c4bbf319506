"""The rating form, the office QR code, the widget, follow-ups and the analyst's table, through HTTP."""

from datetime import UTC, datetime

from clientcentric.feedback import services
from clientcentric.feedback.models import FollowUp, Invitation, Response

from .conftest import office_answers


def _link(appeal):
    return f"/feedback/r/{services.token_for(Invitation.objects.get(appeal=appeal))}/"


def test_the_client_rates_an_answered_appeal_through_the_link(client, answered_appeal):
    link = _link(answered_appeal)
    page = client.get(link)
    assert page.status_code == 200
    assert answered_appeal.number in page.content.decode()
    reply = client.post(link, {"satisfaction": "5", "effort": "6", "went_well": ["fast", "polite"]})
    assert reply.status_code == 200
    assert "Спасибо" in reply.content.decode()
    assert Response.objects.get().answers.count() == 3


def test_a_reused_link_says_so_in_russian(client, answered_appeal):
    link = _link(answered_appeal)
    client.post(link, {"satisfaction": "4"})
    again = client.get(link)
    assert again.status_code == 410
    assert "Эта оценка уже получена" in again.content.decode()


def test_a_forged_link_says_so_in_russian(client, answered_appeal):
    reply = client.get("/feedback/r/abc:def/")
    assert reply.status_code == 400
    assert "Ссылка недействительна" in reply.content.decode()


def test_an_out_of_range_score_is_refused_next_to_the_field(client, answered_appeal):
    reply = client.post(_link(answered_appeal), {"satisfaction": "7"})
    assert reply.status_code == 400
    assert "satisfaction-errors" in reply.content.decode()
    assert not Response.objects.exists()


def test_an_unhappy_client_is_offered_to_reopen_the_appeal(client, answered_appeal, people):
    client.force_login(people["client"])
    reply = client.post(_link(answered_appeal), {"satisfaction": "1", "comment": "Лифт не работает"})
    body = reply.content.decode()
    assert f"/appeals/{answered_appeal.number}/" in body
    assert "Переоткрыть обращение" in body
    assert FollowUp.objects.count() == 1


def test_another_signed_in_person_cannot_use_the_authors_link(client, answered_appeal, people):
    client.force_login(people["analyst"])
    assert client.get(_link(answered_appeal)).status_code == 403


def test_the_office_qr_code_leads_to_the_office_form(client, agency):
    svg = client.get(f"/feedback/office/{agency.code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    reply = client.post(f"/feedback/office/{agency.code}/", {"satisfaction": "4", "trust": "5"})
    assert reply.status_code == 200
    assert Response.objects.get().source == "qr"
    assert client.get("/feedback/office/nobody/").status_code == 404


def test_the_widget_answers_htmx_inline_and_plain_forms_with_a_redirect(client, db):
    inline = client.post("/feedback/widget/", {"satisfaction": "2", "page": "/faq/"}, HTTP_HX_REQUEST="true")
    assert "Спасибо" in inline.content.decode()
    plain = client.post("/feedback/widget/", {"satisfaction": "5", "page": "https://evil.example/"})
    assert plain.status_code == 302 and plain["Location"] == "/"
    assert Response.objects.filter(source="widget").count() == 2


def test_operators_see_and_close_their_agencys_follow_ups(client, agency, people):
    response = services.answer_at_office(agency, services.Rating(satisfaction=1, comment="Очередь два часа"))
    client.force_login(people["operator"])
    page = client.get("/operator/feedback/").content.decode()
    assert "Очередь два часа" in page
    client.post("/operator/feedback/", {"follow_up": response.follow_up.pk, "outcome": "Добавили окно"})
    assert FollowUp.objects.get().state == "closed"


def test_the_analyst_breaks_down_and_exports(client, agency, registry, people):
    office_answers(
        agency, [5] * 20 + [2] * 5, service=registry["service"], when=datetime(2026, 5, 4, tzinfo=UTC)
    )
    office_answers(
        agency, [5] * 5 + [2] * 20, service=registry["service"], when=datetime(2026, 2, 4, tzinfo=UTC)
    )
    services.aggregate_full()
    client.force_login(people["analyst"])
    page = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&by=service_id&by=agency_id")
    body = page.content.decode()
    assert "Назначение страховой пенсии по старости" in body
    assert 'class="significant"' in body  # 80 % vs 20 % with 25 answers each survives BH
    csv = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "satisfaction_positive" in csv.content.decode()
    xlsx = client.get("/analytics/satisfaction/?period=month&value=2026-05&format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_the_analyst_publishes_a_quarter(client, agency, registry, people):
    office_answers(agency, [5] * 30, service=registry["service"], when=datetime(2026, 5, 4, tzinfo=UTC))
    services.aggregate_full()
    client.force_login(people["analyst"])
    client.post("/analytics/satisfaction/publish/", {"quarter": "2026Q2"})
    client.logout()
    assert "Назначение страховой пенсии" in client.get("/satisfaction/").content.decode()


def test_the_analysts_share_is_also_weighted_to_the_mix_of_transactions(agency, registry):
    from clientcentric.feedback import analytics

    when = datetime(2026, 5, 4, tzinfo=UTC)
    service = registry["service"]
    # 40 completed requests, 30 answer (all satisfied); 40 refused, 10 answer (all unhappy).
    for end_point, offered, answered, level in (
        ("service_completed", 40, 30, 5),
        ("service_refused", 40, 10, 1),
    ):
        for i in range(offered):
            invitation = services.invite(
                end_point=end_point,
                transaction_kind="request",
                transaction_ref=f"{end_point}-{i}",
                touchpoint="portal",
                service=service,
                now=when,
            )
            if i < answered:
                services.answer_invitation(
                    services.token_for(invitation), services.Rating(satisfaction=level), now=when
                )
    services.aggregate_full()
    (row,) = analytics.table(("service_id",), analytics.period("quarter", "2026Q2"))
    assert row["satisfaction"]["positive"] == 0.75  # raw: 30 of 40 answers
    assert row["weighted"].estimate.estimate == 0.5  # half the transactions were refusals
    assert row["weighted"].n_eff < 40
