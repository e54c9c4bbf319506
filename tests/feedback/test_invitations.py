"""Invitations at end points: signed, expiring, single-use links, and who may rate what."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.core.models import Notification
from clientcentric.feedback import services
from clientcentric.feedback.models import EndPoint, FollowUp, Invitation, Response, Source
from clientcentric.feedback.services import Rating


def test_answering_an_appeal_invites_its_author_by_a_link(answered_appeal, people):
    invitation = Invitation.objects.get(appeal=answered_appeal)
    assert invitation.end_point == EndPoint.APPEAL_ANSWERED
    assert invitation.person == people["client"]
    assert invitation.agency == answered_appeal.executor
    token = services.token_for(invitation)
    assert services.open_invitation(token) == invitation


def test_the_invitation_is_mailed_when_the_appeal_has_an_address(
    registry, agency, people, django_capture_on_commit_callbacks, mailoutbox, monkeypatch, settings
):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)  # deliver now, also when Redis is configured
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from clientcentric.appeals import services as appeal_services

    data = appeal_services.AppealInput(
        channel="portal", text="Яма на дороге у дома 3", contact_email="a@example.ru"
    )
    appeal = appeal_services.receive_appeal(data, default_executor=agency).appeal
    appeal_services.take(appeal, operator=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=people["operator"], text="Яма заделана.")
    assert Notification.objects.filter(object_type="feedback.invitation").count() == 1
    invitations = [m for m in mailoutbox if m.to == ["a@example.ru"] and "/feedback/r/" in m.body]
    assert len(invitations) == 1


def test_a_link_works_once(answered_appeal):
    token = services.token_for(Invitation.objects.get(appeal=answered_appeal))
    response = services.answer_invitation(token, Rating(satisfaction=5, effort=7, trust=4))
    assert response.source == Source.INVITATION
    assert {a.question.code: a.value for a in response.answers.all()} == {
        "satisfaction": 5,
        "effort": 7,
        "trust": 4,
    }
    with pytest.raises(services.InvitationRefused) as refused:
        services.answer_invitation(token, Rating(satisfaction=1))
    assert refused.value.code == "used"
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused(answered_appeal):
    invitation = Invitation.objects.get(appeal=answered_appeal)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.InvitationRefused) as refused:
        services.open_invitation(services.token_for(invitation))
    assert refused.value.code == "expired"


def test_a_forged_link_is_refused(answered_appeal):
    invitation = Invitation.objects.get(appeal=answered_appeal)
    forged = signing.dumps(invitation.pk + 1, salt="another-salt")
    for token in (forged, services.token_for(invitation)[:-2] + "xx", "nonsense"):
        with pytest.raises(services.InvitationRefused) as refused:
            services.open_invitation(token)
        assert refused.value.code == "forged"


def test_someone_else_cannot_rate_the_authors_appeal(answered_appeal, people):
    token = services.token_for(Invitation.objects.get(appeal=answered_appeal))
    with pytest.raises(services.InvitationRefused) as refused:
        services.answer_invitation(token, Rating(satisfaction=1), user=people["business_representative"])
    assert refused.value.code == "not_yours"
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("rating", "field"),
    [
        (Rating(satisfaction=6), "satisfaction"),
        (Rating(satisfaction=0), "satisfaction"),
        (Rating(satisfaction=3, effort=8), "effort"),
        (Rating(satisfaction=3, trust=-1), "trust"),
        (Rating(satisfaction=None), "satisfaction"),
        (Rating(satisfaction=3, went_well=["nonsense"]), "went_well"),
    ],
)
def test_a_score_out_of_range_is_refused_and_the_link_stays_usable(answered_appeal, rating, field):
    token = services.token_for(Invitation.objects.get(appeal=answered_appeal))
    with pytest.raises(ValidationError) as refused:
        services.answer_invitation(token, rating)
    assert field in refused.value.message_dict
    assert services.answer_invitation(token, Rating(satisfaction=4))


def test_inviting_twice_for_the_same_transaction_end_returns_the_first(agency):
    first = services.invite(
        end_point="service_completed",
        transaction_kind="request",
        transaction_ref="R-1",
        touchpoint="portal",
        agency=agency,
    )
    second = services.invite(
        end_point="service_completed",
        transaction_kind="request",
        transaction_ref="R-1",
        touchpoint="portal",
        agency=agency,
    )
    assert first == second


def test_an_unknown_end_point_is_refused(agency):
    with pytest.raises(ValidationError):
        services.invite(end_point="teleport", transaction_kind="x", transaction_ref="1", touchpoint="portal")


def test_an_unhappy_answer_with_a_comment_opens_a_follow_up_for_the_agency(answered_appeal):
    token = services.token_for(Invitation.objects.get(appeal=answered_appeal))
    response = services.answer_invitation(token, Rating(satisfaction=2, comment="Лифт снова сломан"))
    follow_up = FollowUp.objects.get(response=response)
    assert follow_up.agency == answered_appeal.executor


def test_need_not_met_counts_as_unhappy(agency):
    response = services.answer_at_office(
        agency, Rating(satisfaction=4, need_met=False, comment="Справку не выдали")
    )
    assert FollowUp.objects.filter(response=response).exists()


def test_an_unhappy_answer_without_a_comment_opens_nothing(agency):
    services.answer_at_office(agency, Rating(satisfaction=1))
    assert not FollowUp.objects.exists()


def test_the_threshold_is_configurable(agency, settings):
    settings.CLIENTCENTRIC_FEEDBACK_UNHAPPY_SATISFACTION = 3
    services.answer_at_office(agency, Rating(satisfaction=3, comment="Долго"))
    assert FollowUp.objects.count() == 1


def test_unprompted_ratings_are_kept_apart_and_open_no_follow_up(people):
    response = services.answer_unprompted(Rating(satisfaction=1, comment="Не нашёл форму"), page="/faq/")
    assert response.source == Source.WIDGET
    assert not FollowUp.objects.exists()


def test_the_widget_refuses_a_rating_of_someone_elses_appeal(answered_appeal, people):
    with pytest.raises(ValidationError, match="только своё обращение"):
        services.answer_unprompted(
            Rating(satisfaction=1), page="/", user=people["business_representative"], appeal=answered_appeal
        )


def test_a_follow_up_is_closed_only_by_its_agency_with_an_outcome(agency, people, db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role

    response = services.answer_at_office(agency, Rating(satisfaction=1, comment="Грубили"))
    follow_up = response.follow_up
    other = accounts_services.save_agency(
        Agency(code="other", name="Другой орган", level="regional", kind="executive")
    )
    stranger = accounts_services.create_person(
        username="stranger", password="x" * 12, role=Role.OPERATOR, agency=other
    )
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up, operator=stranger, outcome="Позвонили")
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up, operator=people["operator"], outcome=" ")
    closed = services.close_follow_up(follow_up, operator=people["operator"], outcome="Позвонили, извинились")
    assert closed.state == FollowUp.State.CLOSED


def test_a_failed_invitation_never_turns_the_answer_into_an_error(
    registry, agency, people, django_capture_on_commit_callbacks, monkeypatch
):
    from clientcentric.appeals import services as appeal_services
    from clientcentric.appeals.models import Appeal

    def broken(appeal_id):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(services, "invite_for_answered_appeal", broken)
    data = appeal_services.AppealInput(
        channel="portal", text="Яма на дороге у дома 9", contact_email="b@example.ru"
    )
    appeal = appeal_services.receive_appeal(data, default_executor=agency).appeal
    appeal_services.take(appeal, operator=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=people["operator"], text="Яма заделана.")
    assert Appeal.objects.get(pk=appeal.pk).status == "answered"
    assert not Invitation.objects.exists()


def test_closing_a_follow_up_appends_its_history(agency, people):
    from clientcentric.core.services.status import history

    response = services.answer_at_office(agency, Rating(satisfaction=1, comment="Очередь два часа"))
    follow_up = services.close_follow_up(
        response.follow_up, operator=people["operator"], outcome="Добавили окно"
    )
    assert list(history(follow_up).values_list("from_status", "to_status", "actor")) == [
        ("", "open", None),
        ("open", "closed", people["operator"].pk),
    ]
    with pytest.raises(ValidationError):
        services.close_follow_up(follow_up, operator=people["operator"], outcome="ещё раз")
    assert history(follow_up).count() == 2
