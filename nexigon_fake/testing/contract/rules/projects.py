"""Rules of the projects namespace: projects and their deployment tokens."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.settings import MAX_PROJECTS, PROJECT, TOKEN


class ProjectRules(MachineBase):
    """Create, rename and delete projects; create, flag and delete deployment tokens."""

    def _create_project(self, data: st.DataObject) -> str:
        payload = self.payload(data, "projects_Create")
        payload["organizationId"] = self.model.organization_id
        project_id = self._call_creating("projects_Create", payload, PROJECT)
        self.model.create_project(project_id, payload["name"])
        return project_id

    @precondition(lambda self: len(self.model.projects) < MAX_PROJECTS)
    @rule(data=st.data())
    def create_project(self, data: st.DataObject) -> None:
        self._create_project(data)

    @precondition(lambda self: self.model.projects)
    @rule(data=st.data())
    def rename_project(self, data: st.DataObject) -> None:
        payload = self._edit(data, "projects_SetName", PROJECT)
        self.model.rename_project(payload["projectId"], payload["name"])

    @precondition(lambda self: len(self.model.projects) > 1)  # keep one to fill
    @rule(data=st.data())
    def delete_project(self, data: st.DataObject) -> None:
        self._delete(data, "projects_Delete", PROJECT, self.model.delete_project)

    @precondition(lambda self: self.model.projects)
    @rule(data=st.data())
    def create_token(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "projects_CreateDeploymentToken", PROJECT)
        output = self.call("projects_CreateDeploymentToken", payload)
        token_id, secret = output["tokenId"], output["token"]
        public = "deployment_id_" + secret.removeprefix("deployment_")[:22]
        self.agree(token_id, public, "token id: the token's first 22 characters")
        auto_accept = (payload.get("flags") or {}).get("autoAccept")
        self.model.create_token(token_id, payload["projectId"], payload["name"], auto_accept)

    @precondition(lambda self: self.model.tokens)
    @rule(data=st.data())
    def set_token_flags(self, data: st.DataObject) -> None:
        payload = self._edit(data, "projects_SetDeploymentTokenFlags", TOKEN)
        self.model.set_token_flags(payload["tokenId"], payload["flags"].get("autoAccept"))

    @precondition(lambda self: self.model.tokens)
    @rule(data=st.data())
    def delete_token(self, data: st.DataObject) -> None:
        self._delete(data, "projects_DeleteDeploymentToken", TOKEN, self.model.delete_token)
