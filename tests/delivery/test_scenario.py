"""The personal scenario (issue 20, DEL-2): segments by rules and the client's corrections, personal needs,
one timeline across channels, and representatives acting for a client."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.core.models import AuditEvent
from clientcentric.delivery.models import ClientSegment, Consent, SegmentRule, ServiceRequest
from clientcentric.delivery.selectors import scenario
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import life_events as life_event_services
from clientcentric.delivery.services import offers as offer_services
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import requests as request_services
from clientcentric.delivery.services import segments as segment_services
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Segment

from .conftest import event_input, make_client


@pytest.fixture
def seniors(registry):
    segment = registry_services.save_segment(
        Segment(code="seniors", name="Люди старшего возраста"), life_situations=[registry["pension"]]
    )
    segment_services.save_segment_rule(
        SegmentRule(segment=segment, text="age >= 60", explanation="Вам 60 лет или больше")
    )
    return segment


@pytest.fixture
def frequent(registry):
    segment = registry_services.save_segment(
        Segment(code="frequent", name="Часто обращаются"), life_situations=[]
    )
    segment_services.save_segment_rule(
        SegmentRule(segment=segment, text="n_situations >= 1", explanation="У вас открыта жизненная ситуация")
    )
    return segment


def _state(client, segment):
    row = ClientSegment.objects.filter(client=client, segment=segment).first()
    return row.state if row else None


# --- segments ---------------------------------------------------------------------------------------------


def test_segment_rule_puts_a_client_whose_facts_match_into_the_segment_with_why(seniors, pensioner):
    segment_services.assign_segments(pensioner)
    row = ClientSegment.objects.get(client=pensioner, segment=seniors)
    assert row.state == ClientSegment.State.ASSIGNED and row.reason == "Вам 60 лет или больше"


def test_segment_rule_leaves_out_a_client_whose_facts_do_not_match(seniors, consent_text):
    young = make_client("young", snils_number=111222333, birth=date(2000, 5, 5))
    segment_services.assign_segments(young)
    assert _state(young, seniors) is None


def test_an_unknown_fact_never_assigns_a_segment(seniors, consent_text):
    unknown = make_client("unknown", snils_number=111222334, birth=None)
    segment_services.assign_segments(unknown)
    assert _state(unknown, seniors) is None


def test_segment_rule_reads_the_history_and_follows_a_new_life_situation(frequent, pensioner, registry):
    assert _state(pensioner, frequent) is None
    life_event_services.open_life_situation(pensioner, registry["pension"], actor=pensioner)
    assert _state(pensioner, frequent) == ClientSegment.State.ASSIGNED


def test_a_changed_fact_moves_the_client_out_of_the_segment(seniors, pensioner):
    segment_services.assign_segments(pensioner)
    profile = profile_services.profile_of(pensioner)
    profile.birth_date = date(2001, 1, 1)
    profile_services.save_profile(profile, actor=pensioner)
    assert _state(pensioner, seniors) == ClientSegment.State.LAPSED


def test_not_me_is_respected_by_later_assignments_and_audited(seniors, pensioner):
    segment_services.assign_segments(pensioner)
    segment_services.correct_segment(pensioner, seniors, belongs=False, actor=pensioner)
    segment_services.assign_segments(pensioner)
    assert _state(pensioner, seniors) == ClientSegment.State.REJECTED
    event = AuditEvent.objects.get(action="delivery.segment_corrected")
    assert event.actor == pensioner and event.data["after"] == "rejected"


def test_a_segment_the_client_added_is_kept_when_the_rule_does_not_hold(seniors, consent_text):
    young = make_client("young", snils_number=111222333, birth=date(2000, 5, 5))
    segment_services.correct_segment(young, seniors, belongs=True, actor=young)
    segment_services.assign_segments(young)
    assert _state(young, seniors) == ClientSegment.State.ADDED


def test_undoing_a_correction_lets_the_rules_decide_again(seniors, pensioner):
    segment_services.correct_segment(pensioner, seniors, belongs=False, actor=pensioner)
    segment_services.undo_correction(pensioner, seniors, actor=pensioner)
    assert _state(pensioner, seniors) == ClientSegment.State.ASSIGNED


def test_a_segment_rule_naming_an_unknown_fact_is_refused_in_russian(registry):
    segment = registry_services.save_segment(Segment(code="x", name="Икс"), life_situations=[])
    with pytest.raises(ValidationError) as error:
        segment_services.save_segment_rule(
            SegmentRule(segment=segment, text="shoe_size > 40", explanation="—")
        )
    assert "shoe_size" in str(error.value) and "Неизвестн" in str(error.value)


def test_a_potential_clients_segment_cannot_be_added_by_a_client(registry, pensioner):
    with pytest.raises(ValidationError):
        segment_services.correct_segment(pensioner, registry["segment"], belongs=True, actor=pensioner)


# --- personal needs ---------------------------------------------------------------------------------------


def _needs(client):
    (situation,) = scenario.personal_needs(client)
    return {item.need.code: item for item in situation.needs}


def test_needs_of_a_situation_are_made_personal(pensioner, registry, pension_rule):
    registry_services.save_need(
        _with(registry["in_progress"], expected_on=date(2027, 3, 1)), life_situations=[registry["pension"]]
    )
    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    needs = _needs(pensioner)
    assert needs["get-pension"].state == "offered" and needs["get-pension"].offer is not None
    assert needs["pension-certificate"].state == "not_now"
    assert needs["pension-certificate"].on == date(2027, 3, 1)
    assert needs["early-pension"].state == "not_now" and needs["early-pension"].on is None


def test_a_requested_need_becomes_met_with_the_decision_date(pensioner, registry, pension_rule, people):
    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    offer = pensioner.offers.get()
    request = offer_services.accept_offer(offer, {}, actor=pensioner)
    assert _needs(pensioner)["get-pension"].state == "requested"
    request_services.decide(request, approve=True, actor=people["operator"])
    met = _needs(pensioner)["get-pension"]
    assert met.state == "met" and met.on == ServiceRequest.objects.get().decided_at


def test_a_need_for_another_segment_is_not_applicable(pensioner, registry):
    life_event_services.open_life_situation(pensioner, registry["pension"], actor=pensioner)
    item = _needs(pensioner)["get-pension"]
    assert item.state == "not_applicable" and item.segments == [registry["segment"]]


def _with(need, **fields):
    for key, value in fields.items():
        setattr(need, key, value)
    return need


# --- timeline ---------------------------------------------------------------------------------------------


def test_timeline_is_newest_first_across_sources(pensioner, registry, pension_rule):
    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    entries = scenario.timeline(pensioner)
    kinds = {e.kind for e in entries}
    assert {"consent", "situation", "offer", "notification"} <= kinds
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)


def test_timeline_shows_only_the_clients_own_records(pensioner, registry, consent_text):
    other = make_client("other", snils_number=111222335, birth=date(1970, 1, 1))
    consent_services.give_consent(other, life_situation=registry["pension"])
    assert scenario.timeline(pensioner) == []
    assert len(scenario.timeline(other)) >= 1


def test_timeline_pages_by_twenty(pensioner, registry, consent_text):
    for number in range(25):
        segment = registry_services.save_segment(
            Segment(code=f"s{number}", name=f"Сегмент {number}"), life_situations=[]
        )
        segment_services.correct_segment(pensioner, segment, belongs=True, actor=pensioner)
    first = scenario.timeline_page(pensioner, 1)
    assert len(first.object_list) == scenario.TIMELINE_PAGE and first.paginator.num_pages == 2


# --- representatives --------------------------------------------------------------------------------------


@pytest.fixture
def family(registry, consent_text):
    parent = make_client("parent", snils_number=222333444, birth=date(1985, 2, 2))
    child = make_client("child", snils_number=222333445, birth=date(2015, 6, 6))
    power = accounts_services.appoint_representative(
        person=parent, client=child, basis="Свидетельство о рождении", valid_from=date(2015, 6, 6)
    )
    return {"parent": parent, "child": child, "power": power}


def _act(client, parent, child):
    client.force_login(parent)
    return client.post("/me/acting/", {"client": str(child.pk)})


def test_a_parent_acting_for_a_child_gives_a_consent_recorded_in_the_parents_name(client, family, registry):
    parent, child = family["parent"], family["child"]
    assert _act(client, parent, child).status_code == 302
    response = client.post("/me/consents/", {"life_situation": registry["pension"].pk})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.client == child
    given = AuditEvent.objects.get(action="delivery.consent_given")
    assert given.actor == parent
    (entry,) = [e for e in scenario.timeline(child) if e.kind == "consent"]
    assert entry.actor == parent and entry.actor_role == "representative"
    page = client.get("/me/scenario/").content.decode()
    assert "представитель" in page.lower() and parent.full_name in page


def test_acting_pages_show_the_childs_records_not_the_parents(client, family, registry):
    parent, child = family["parent"], family["child"]
    consent_services.give_consent(parent, service=registry["service"])
    _act(client, parent, child)
    assert "Назначение страховой пенсии" not in client.get("/me/consents/").content.decode().split("<h2")[-1]
    client.post("/me/acting/", {"client": "self"})
    assert "Назначение страховой пенсии" in client.get("/me/consents/").content.decode()


def test_an_expired_power_cannot_be_used_to_switch(client, family):
    power = family["power"]
    power.valid_to = timezone.localdate() - timedelta(days=1)
    power.valid_from = power.valid_to - timedelta(days=30)
    accounts_services.save_representative(power)
    response = _act(client, family["parent"], family["child"])
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="accounts.acting_started").exists()


def test_a_power_that_expires_while_acting_is_denied_at_once(client, family, registry):
    parent, child = family["parent"], family["child"]
    _act(client, parent, child)
    power = family["power"]
    power.valid_to = timezone.localdate() - timedelta(days=1)
    power.valid_from = power.valid_to - timedelta(days=30)
    accounts_services.save_representative(power)
    assert client.post("/me/consents/", {"life_situation": registry["pension"].pk}).status_code == 403
    assert not Consent.objects.filter(client=child).exists()
    # The switch is undone: the next page is the parent's own again.
    assert client.get("/me/consents/").status_code == 200


def test_a_person_who_represents_no_one_cannot_act_for_a_stranger(client, family, consent_text):
    stranger = make_client("stranger", snils_number=333444555, birth=date(1990, 1, 1))
    client.force_login(stranger)
    assert client.post("/me/acting/", {"client": str(family["child"].pk)}).status_code == 403


def test_a_parent_accepts_the_childs_offer_and_the_request_names_the_parent(family, registry, pension_rule):
    parent, child = family["parent"], family["child"]
    # Facts are the child's; the rule is forced by a stated age for the test's sake.
    profile = profile_services.profile_of(child)
    profile.birth_date = date(1950, 1, 1)
    profile_services.save_profile(profile, actor=parent)
    consent_services.give_consent(child, life_situation=registry["pension"], actor=parent)
    life_event_services.receive_life_event(event_input(profile.snils))
    offer = child.offers.get()
    request = offer_services.accept_offer(offer, {}, actor=parent)
    (entry,) = [e for e in scenario.timeline(child) if e.kind == "request"]
    assert request.client == child and entry.actor == parent


# --- pages ------------------------------------------------------------------------------------------------


def test_scenario_page_shows_segments_needs_and_history(client, seniors, pensioner, registry):
    life_event_services.open_life_situation(pensioner, registry["pension"], actor=pensioner)
    client.force_login(pensioner)
    page = client.get("/me/scenario/").content.decode()
    assert seniors.name in page and "Вам 60 лет или больше" in page
    assert registry["in_progress"].name in page and "Сервис разрабатывается" in page
    assert "Открыта жизненная ситуация: Выход на пенсию" in page


def test_scenario_page_posts_a_correction(client, seniors, pensioner):
    segment_services.assign_segments(pensioner)
    client.force_login(pensioner)
    response = client.post("/me/scenario/segments/", {"segment": seniors.code, "action": "reject"})
    assert response.status_code == 302 and _state(pensioner, seniors) == ClientSegment.State.REJECTED


# --- the whole-base segment run --------------------------------------------------------------------------


def test_the_whole_base_segment_run_resumes_after_an_interruption(seniors, consent_text, monkeypatch):
    from clientcentric.delivery.models import PopulationRun

    clients = [
        make_client(f"s{n}", snils_number=310000000 + n, birth=date(1950 if n % 2 == 0 else 1995, 1, 1 + n))
        for n in range(5)
    ]
    ClientSegment.objects.all().delete()  # as if the rule were new: nobody has been through it yet
    on = date(2026, 6, 1)
    assign, seen = segment_services.assign_segments, []

    def dies_on_the_third(client, **kwargs):
        if len(seen) == 2:
            raise RuntimeError("the worker was lost")
        seen.append(client.pk)
        return assign(client, **kwargs)

    monkeypatch.setattr(segment_services, "assign_segments", dies_on_the_third)
    with pytest.raises(RuntimeError):
        segment_services.run_segments(on, chunk_size=2)
    run = PopulationRun.objects.get(kind="segments", on=on)
    assert run.finished_at is None and run.last_client_id == clients[1].pk and run.clients == 2
    assert _state(clients[0], seniors) == "assigned" and _state(clients[2], seniors) is None

    again = []
    monkeypatch.setattr(
        segment_services,
        "assign_segments",
        lambda client, **kw: again.append(client.pk) or assign(client, **kw),
    )
    report = segment_services.run_segments(on, chunk_size=2)
    assert again == [c.pk for c in clients[2:]]  # continued after the last client done, none twice
    assert report.resumed_after == clients[1].pk and report.clients == 3 and report.entered == 2
    run.refresh_from_db()
    assert run.finished_at is not None and run.clients == 5 and run.last_client_id == clients[-1].pk
    assert [_state(c, seniors) for c in clients] == ["assigned", None, "assigned", None, "assigned"]
    assert AuditEvent.objects.filter(action="delivery.population_run_resumed").exists()
    # The eligibility run of the same date keeps its own checkpoint.
    assert not PopulationRun.objects.filter(kind="eligibility").exists()

    fresh = segment_services.run_segments(on, chunk_size=2)
    assert fresh.clients == 5 and fresh.entered == 0 and fresh.resumed_after == 0


def test_the_segment_run_is_a_command_and_on_the_beat_schedule(seniors, pensioner):
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    entry = settings.CELERY_BEAT_SCHEDULE["delivery-segments-run"]
    assert entry["task"] == "clientcentric.delivery.tasks.run_segments"
    ClientSegment.objects.all().delete()
    out = StringIO()
    call_command("delivery", "segments", "--chunk-size", "10", stdout=out)
    assert "Segments: 1 client(s), 1 entered a segment" in out.getvalue()
    assert _state(pensioner, seniors) == "assigned"
