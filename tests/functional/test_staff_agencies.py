"""GET /staff/agencies: the console's agency pickers read the province's agencies from the API, not a guess."""

from __future__ import annotations

import pytest
from staff_helpers import JSON, body_of

pytest_plugins = ["staff_fixtures"]  # the staff and jwks_server fixtures


@pytest.mark.parametrize("user", ["ioc", "officer", "admin"])
def test_every_signed_in_officer_reads_the_agencies_without_their_addresses(client, staff, user):
    response = client.http.get("/staff/agencies", headers=staff.headers(user))
    assert response.status_code == 200
    agencies = body_of(response)["agencies"]
    by_id = {a["id"]: a for a in agencies}
    assert agencies[0]["id"] == "ioc"  # the IOC first, then departments and police, then the ward committees
    kinds = [a["kind"] for a in agencies]
    assert kinds == sorted(kinds, key=["ioc", "department", "police", "ward_people_committee"].index)
    assert by_id["so-xay-dung"]["kind"] == "department" and by_id["so-xay-dung"]["ward_code"] is None
    ward = by_id["ubnd-24133"]
    assert ward["kind"] == "ward_people_committee" and ward["ward_code"] == "24133" and ward["name_en"]
    assert len([a for a in agencies if a["ward_code"]]) == len({a["ward_code"] for a in agencies if a["ward_code"]})
    assert "@" not in response.body.decode()  # focal and lead e-mail addresses stay in the profile


def test_the_list_asks_for_a_sign_in(client, staff):
    response = client.http.get("/staff/agencies", headers=JSON)
    assert response.status_code == 401
    assert body_of(response)["code"] == "auth_required"
