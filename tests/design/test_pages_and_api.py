import json

from clientcentric.design.models import DesignProject, Stage

from .conftest import prepare, run_test


def test_the_api_refuses_a_closed_gate_with_the_error_shape(client, people, project, panel):
    client.force_login(people["analyst"])
    url = f"/api/v1/design/projects/{project.pk}/stage"
    response = client.post(url, json.dumps({"stage": "pilot"}), content_type="application/json")
    assert response.status_code == 422 and response.json()["error"] == "invalid_data"
    prepare(project)
    response = client.post(url, json.dumps({"stage": "beta"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["stage"] == "beta"
    assert response.json()["next_stages"] == ["beta_test"]


def test_clients_cannot_move_projects_through_the_api(client, people, project):
    client.force_login(people["client"])
    response = client.post(
        f"/api/v1/design/projects/{project.pk}/stage",
        json.dumps({"stage": "beta"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_admin_cannot_set_the_stage(client, people, project):
    client.force_login(people["admin"])
    page = client.get(f"/admin/design/designproject/{project.pk}/change/").content.decode()
    assert 'name="stage"' not in page


def test_project_page_shows_the_gate_and_moves_on(client, people, project):
    client.force_login(people["analyst"])
    page = client.get(f"/design/projects/{project.pk}/").content.decode()
    assert "TO BE" in page
    prepare(project)
    response = client.post(f"/design/projects/{project.pk}/", {"stage": "beta"})
    assert response.status_code == 302
    assert DesignProject.objects.get(pk=project.pk).stage == Stage.BETA


def test_test_page_records_results_and_summarises_with_intervals(client, people, project, panel):
    test = run_test(project, panel[:1], complete=False)
    client.force_login(people["analyst"])
    response = client.post(f"/design/tests/{test.pk}/", {"action": "recruit", "member": panel[1].pk})
    assert response.status_code == 302
    participation = test.participations.get(member=panel[1])
    task = test.tasks.first()
    form = {
        "action": "results",
        "participation": participation.pk,
        f"success-{task.pk}": "on",
        f"seconds-{task.pk}": "35",
        "effort": "3",
    }
    form.update({f"sus-{i}": "4" if i % 2 else "2" for i in range(1, 11)})
    assert client.post(f"/design/tests/{test.pk}/", form).status_code == 302
    bad = client.post(f"/design/tests/{test.pk}/", {**form, "sus-1": "9"})
    assert bad.status_code == 200
    summary = client.get(f"/api/v1/design/tests/{test.pk}/summary").json()
    assert summary["participants"] == 2 and summary["success"]["low"] < summary["success"]["estimate"]
    assert client.post(f"/design/tests/{test.pk}/", {"action": "complete"}).status_code == 302
    test.refresh_from_db()
    assert test.completed_at is not None


def test_a_client_joins_and_leaves_the_research_panel(client, people, registry):
    client.force_login(people["client"])
    client.post("/research-panel/", {"action": "join", "segments": ["seg-2-2"]})
    member = people["client"].research_panel
    assert member.is_active and list(member.segments.values_list("code", flat=True)) == ["seg-2-2"]
    client.post("/research-panel/", {"action": "withdraw"})
    member.refresh_from_db()
    assert not member.is_active
