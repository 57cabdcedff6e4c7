"""Alerts when a load changes who is exposed: `relgraph load` re-screens only around the ties and
entries that changed (once a screening run has set the baseline) and stores an alert for each
change; loading the same rows again changes nothing and raises nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from api.settings import Settings
from tests.compliance import Planted, relgraph
from tests.helpers import ApiUser, data, one

ALERTS = """
{ exposureAlerts(first: 50) { edges { node {
  seq change cause causeRef hops previousHops customer { id } listedParty { id }
  path { links { type direction fromPartyId toPartyId } }
} } } }
"""


def alerts(client: TestClient, user: ApiUser) -> list[dict[str, Any]]:
    return [e["node"] for e in data(client, ALERTS, user.headers)["exposureAlerts"]["edges"]]


def owns_folder(folder: Path, name: str, owner: str, company: str, until: str = "") -> Path:
    target = folder / name
    target.mkdir()
    (target / "owns.csv").write_text(
        f"owner_id,company_id,share,since,until\n{owner},{company},0.1,2024-01-01,{until}\n",
        encoding="utf-8",
    )
    return target


def test_a_tie_loaded_and_later_ended_raises_alerts_for_the_customers_it_reaches(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    planted: list[Planted],
    quiet_company: dict[str, Any],
    driver: Driver,
    tmp_path: Path,
    restored: None,
) -> None:
    listed = next(p.listed_id for p in planted if p.listed_id.startswith("C"))
    before_baseline = owns_folder(tmp_path, "early", "TST-EXEC", "TST-CO")
    done = relgraph(settings, "load", str(before_baseline), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "no screening run yet" in done.stdout and alerts(client, compliance) == []

    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    tie = owns_folder(tmp_path, "new-tie", "TST-OWNER", listed)
    done = relgraph(settings, "load", str(tie), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert "2 tie ends" in done.stdout and "2 alerts raised" in done.stdout
    raised = {a["customer"]["id"]: a for a in alerts(client, compliance)}
    # The owner now owns the listed company (1 hop); the executive of the owner's company is 3
    # hops away; the spouse of its employee is 4, beyond the 3 hops screened.
    assert {c: a["hops"] for c, a in raised.items()} == {"TST-OWNER": 1, "TST-EXEC": 3}
    for alert in raised.values():
        assert alert["change"] == "NEWLY_EXPOSED" and alert["cause"] == "LOAD"
        assert alert["causeRef"] == "new-tie" and alert["listedParty"]["id"] == listed
    assert raised["TST-OWNER"]["path"]["links"] == [
        {"type": "OWNS", "direction": "FORWARD", "fromPartyId": "TST-OWNER", "toPartyId": listed}
    ]

    again = relgraph(settings, "load", str(tie), "--no-progress")
    assert again.returncode == 0, again.stderr
    assert "re-screened" not in again.stdout and len(alerts(client, compliance)) == 2

    ended = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    gone = owns_folder(tmp_path, "tie-ended", "TST-OWNER", listed, until=ended)
    done = relgraph(settings, "load", str(gone), "--no-progress")
    assert done.returncode == 0, done.stderr
    latest = [a for a in alerts(client, compliance) if a["causeRef"] == "tie-ended"]
    assert {a["customer"]["id"]: a["previousHops"] for a in latest} == {
        "TST-OWNER": 1,
        "TST-EXEC": 3,
    }
    assert {a["change"] for a in latest} == {"NO_LONGER_EXPOSED"}
    kept = one(
        driver, "MATCH (:Customer {id: 'TST-OWNER'})-[e:EXPOSED_TO]->() RETURN count(e) AS n"
    )
    assert kept["n"] == 0


def test_a_listing_loaded_raises_alerts_and_keeps_an_api_delisting(
    client: TestClient,
    compliance: ApiUser,
    settings: Settings,
    quiet_company: dict[str, Any],
    driver: Driver,
    tmp_path: Path,
    restored: None,
) -> None:
    assert relgraph(settings, "screen", "--no-progress").returncode == 0
    folder = tmp_path / "sanctions"
    folder.mkdir()
    (folder / "list_entries.csv").write_text(
        "id,party_id,list,list_name,reason,source,listed_on,delisted_on\n"
        "TST-L1,TST-CO,PROHIBITION,制裁名单,测试,外交部,2024-01-01,\n",
        encoding="utf-8",
    )
    done = relgraph(settings, "load", str(folder), "--no-progress")
    assert done.returncode == 0, done.stderr
    raised = {a["customer"]["id"]: a["hops"] for a in alerts(client, compliance)}
    assert raised == quiet_company["exposed"]
    closing = 'mutation { delistEntity(entryId: "TST-L1", reason: "复核") { alerts { seq } } }'
    assert len(data(client, closing, compliance.headers)["delistEntity"]["alerts"]) == 3
    # Loading the file again does not reopen what compliance closed.
    done = relgraph(settings, "load", str(folder), "--no-progress")
    assert done.returncode == 0, done.stderr
    entry = one(driver, "MATCH (e:ListEntry {id: 'TST-L1'}) RETURN e.delisted_on AS d")
    assert entry["d"] is not None and entry["d"].to_native() == dt.date.today()
    assert len(alerts(client, compliance)) == 6
    driver.execute_query("MATCH (e:ListEntry {id: 'TST-L1'}) DETACH DELETE e")
