"""The README's first example ("Use it in your project"), as a test: portable fixtures only."""


def test_my_service_lists_projects(nexigon_client, nexigon_project_id):
    response = nexigon_client.post("/api/v1/actions/invoke/projects_Query", json={})

    assert response.status_code == 200
    assert nexigon_project_id in [p["projectId"] for p in response.json()["projects"]]
