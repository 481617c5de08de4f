"""The JSON API through FastAPI's TestClient: answers equal the CLI's JSON; every bad input the
CLI refuses is HTTP 422 with the CLI's own one-line messages (never a 500); security rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from parley.cli import app as cli  # noqa: E402
from parley.web import WebSettings, create_app  # noqa: E402
from parley.web.settings import bundled_cases_dir  # noqa: E402

SEED = Path(__file__).parents[1] / "cases" / "iraq-2006" / "case.yaml"
TOKEN = "a-long-enough-test-token"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = WebSettings(store=str(tmp_path / "web.sqlite"), cases_dir=bundled_cases_dir())
    return TestClient(create_app(settings), raise_server_exceptions=False)


def cli_json(runner, *args: str) -> dict:
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def upload(path: Path = SEED) -> dict:
    return {"case": (path.name, path.read_bytes())}


def test_forecast_equals_cli_json(client, runner) -> None:
    fields = {"model": ["compromise", "median", "eum"], "scenario": "democratic-congress"}
    fields["set"] = "us_admin.withdrawal.position=4"
    got = client.post("/api/forecast", files=upload(), data=fields)
    assert got.status_code == 200, got.text
    expected = cli_json(
        runner,
        "forecast",
        str(SEED),
        "-m",
        "compromise",
        "-m",
        "median",
        "-m",
        "eum",
        "-s",
        "democratic-congress",
        "--set",
        "us_admin.withdrawal.position=4",
    )
    assert got.json() == expected
    # a JSON case body with query fields answers the same as the file
    body = json.loads(json.dumps(__import__("parley").read_case(SEED).model_dump(mode="json")))
    again = client.post(
        "/api/forecast?model=compromise&model=median&model=eum&scenario=democratic-congress"
        "&set=us_admin.withdrawal.position=4",
        json=body,
    )
    assert again.status_code == 200, again.text
    assert again.json()["models"] == expected["models"]


def test_compare_and_front_equal_cli_json(client, runner) -> None:
    got = client.post("/api/compare", files=upload(), data={"model": "compromise"})
    assert got.status_code == 200, got.text
    assert got.json() == cli_json(runner, "compare", str(SEED), "-m", "compromise")
    front = client.post(
        "/api/front", files=upload(), data={"model": "compromise", "members": "iai,ams"}
    )
    assert front.status_code == 200, front.text
    expected = cli_json(runner, "front", str(SEED), "--members", "iai,ams", "-m", "compromise")
    assert front.json() == expected


def test_validate_ok(client, runner) -> None:
    got = client.post("/api/validate", files=upload())
    assert got.status_code == 200
    said = runner.invoke(cli, ["validate", str(SEED)]).stdout  # "...: ok: 17 actors, 5 issues, ..."
    body = got.json()
    assert body["ok"] is True
    assert f"ok: {body['actors']} actors, {body['issues']} issues" in said


# (file name, content): inputs the CLI refuses; the API must give the same lines with 422
BAD = [
    (
        "c.txt",
        "#A\ta\n#A\tb\n#P\tx\tX\n#D\ta\tx\t10\t0.5\t1\n#D\tzz\tx\t20\t0.5\t1\n#D\tb\tx\t20\t0.5\t1\n",
    ),
    ("bdm.csv", "Actor,Capability,Position,Salience\nA,x,1,1\nB,1,2,1\n"),
    ("t.csv", "actor,issue,position,salience,capability\na,x,abc,0.5,1\nb,x,7,0.5,1\n"),
    ("t2.csv", "actor,issue,position,salience,capability\na,x,5,0.5,1\na,x,7,0.5,1\n"),
    (
        "case.yaml",
        "actors: [{id: a, capability: 1}, {id: a, capability: 2}]\nissues: [{id: x, lower: 0, upper: 1}]\n",
    ),
    (
        "case.yaml",
        "actors: [{id: a}]\nissues: [{id: x, lower: 5, upper: 1}]\nstances: {b: {x: {position: 1, salience: 1}}}\n",
    ),
    ("case.yaml", "actors: [\n"),
    ("case.yaml", "- just\n- a list\n"),
    ("case.json", '{"actors": [], "issues": []}'),
    ("empty.csv", ""),
    ("case.xlsx", "not a zip file"),
    ("binary.yaml", "\x00\x01\x02\xff"),
    ("case.docx", "what is this"),
]


@pytest.mark.parametrize(("name", "text"), BAD, ids=[f"{k}-{n}" for k, (n, _) in enumerate(BAD)])
def test_bad_inputs_are_422_with_the_cli_lines(
    client, runner, tmp_path, monkeypatch, name, text
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(
        text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    )
    result = runner.invoke(cli, ["validate", name])
    assert result.exit_code == 2, result.output
    cli_lines = [line.removeprefix("error: ") for line in result.stderr.splitlines()]
    for endpoint in ("/api/validate", "/api/forecast"):
        got = client.post(endpoint, files={"case": (name, Path(name).read_bytes())})
        assert got.status_code == 422, (endpoint, got.text)
        assert got.json()["problems"] == cli_lines


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"model": "nosuch"}, "unknown model 'nosuch'"),
        ({"scenario": "nosuch"}, "nosuch"),
        ({"set": "nobody.withdrawal.position=1"}, "nobody"),
        ({"set": "garbage"}, "set expects"),  # the web names its field, not the CLI's --set
        (
            {"model": "eum", "preset": "x"},
            None,
        ),  # unknown fields are ignored like the CLI's absent ones
    ],
)
def test_bad_fields_are_422_one_line(client, fields, line) -> None:
    got = client.post("/api/forecast", files=upload(), data={"model": "compromise", **fields})
    if line is None:
        assert got.status_code == 200
        return
    assert got.status_code == 422, got.text
    problems = got.json()["problems"]
    assert len(problems) == 1 and line in problems[0] and "\n" not in problems[0]


def test_request_shape_problems(client) -> None:
    no_case = client.post("/api/forecast", data={"model": "compromise"})
    assert no_case.status_code == 422
    assert no_case.json()["problems"] == [
        "no case: send a file in the multipart field 'case' or a JSON case body"
    ]
    bad_json = client.post(
        "/api/forecast", content=b"{", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 422 and "not valid JSON" in bad_json.json()["problems"][0]
    assert client.get("/api/runs?limit=abc").status_code == 422
    assert client.get("/api/runs/99").status_code == 404


def test_upload_cap(tmp_path: Path) -> None:
    small = WebSettings(store=str(tmp_path / "s.sqlite"), upload_limit=1000)
    client = TestClient(create_app(small))
    big = {"case": ("big.yaml", b"#" * 5000)}
    got = client.post("/api/validate", files=big)
    assert got.status_code == 413 and "limit" in got.json()["problems"][0]
    exact = client.post("/api/validate", files={"case": ("c.yaml", b"#" * 1001)})
    assert exact.status_code == 413


def test_runs_api_and_csrf(client, runner, tmp_path) -> None:
    page = client.get("/run?case=bundled:iraq-2006")
    assert page.status_code == 200
    csrf = client.cookies["parley_csrf"]
    form = {"case": "bundled:iraq-2006", "model": "compromise", "save": "1", "label": "<b>x</b>"}
    refused = client.post("/run/forecast", data=form)
    assert refused.status_code == 403  # a state-changing form without the CSRF token
    saved = client.post("/run/forecast", data=form, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200 and "saved as run 1" in saved.text and "<svg" in saved.text
    runs = client.get("/api/runs").json()
    assert [(r["id"], r["label"]) for r in runs] == [(1, "<b>x</b>")]
    history = client.get("/history").text
    assert "&lt;b&gt;x&lt;/b&gt;" in history and "<b>x</b>" not in history  # escaped
    run = client.get("/api/runs/1").json()
    assert run["result"] == cli_json(runner, "forecast", str(SEED), "-m", "compromise")
    assert client.delete("/api/runs/1").status_code == 403
    assert client.delete("/api/runs/1", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.get("/api/runs").json() == []


def test_no_path_reaches_the_filesystem(client) -> None:
    for ref in ("../../etc/passwd", "bundled:../../etc", "store:../x", "/etc/passwd"):
        got = client.get("/editor", params={"case": ref})
        assert got.status_code == 422 and "choose one on the Cases page" in got.text
    assert client.get("/static/../settings.py").status_code == 404


def test_token_required(tmp_path: Path) -> None:
    settings = WebSettings(store=str(tmp_path / "t.sqlite"), token=TOKEN)
    client = TestClient(create_app(settings))
    assert client.post("/api/forecast", files=upload()).status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    ok = client.post(
        "/api/forecast?model=compromise",
        files=upload(),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert ok.status_code == 200
    assert client.post("/login", data={"token": "wrong"}).status_code == 401
    signed = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert signed.status_code == 303 and client.get("/").status_code == 200


def test_serve_refuses_other_hosts_without_token(runner) -> None:
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --host 0.0.0.0: serving beyond this machine needs --token TOKEN "
        "(or PARLEY_TOKEN); refusing to start"
    )


def test_docs_are_served_offline(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/static/swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN
    assert client.get("/static/swagger-ui-bundle.js").status_code == 200
    assert "/api/forecast" in client.get("/openapi.json").json()["paths"]


def editor_form(client) -> dict[str, str]:
    """The editor's form fields for the seed case, as the browser would send them."""
    from parley.io import read_case
    from parley.web.grid import case_rows

    rows = case_rows(read_case(SEED))
    fields = {"rest": json.dumps({k: v for k, v in rows["rest"].items() if k != "scenarios"})}
    import yaml

    fields["scenarios"] = yaml.safe_dump(rows["rest"].get("scenarios", []))
    for k, actor in enumerate(rows["actors"]):
        fields[f"a.{k}.extra"] = json.dumps(actor["extra"])
        fields |= {f"a.{k}.{f}": v for f, v in actor["cells"].items()}
        for j, cell in enumerate(rows["cells"][k]):
            fields |= {f"s.{k}.{j}.{f}": v for f, v in cell.items()}
    for j, issue in enumerate(rows["issues"]):
        fields[f"i.{j}.extra"] = json.dumps(issue["extra"])
        fields |= {f"i.{j}.{f}": v for f, v in issue["cells"].items()}
    return fields


def test_editor_checks_cells_and_downloads(client, tmp_path: Path) -> None:
    from parley.io import read_case

    client.get("/")
    headers = {"X-CSRF-Token": client.cookies["parley_csrf"]}
    form = editor_form(client)
    ok = client.post("/editor/check", data=form, headers=headers)
    assert "ok: the case is valid" in ok.text
    bad = dict(form, **{"s.1.0.salience": "abc", "i.0.upper": "-5"})
    got = client.post("/editor/check", data=bad, headers=headers).text
    assert 'data-cell="s-1-0-salience"' in got
    assert "stances.dem_congress.withdrawal.salience: expected a number, got &#39;abc&#39;" in got
    assert 'data-cell="i-0-upper"' in got
    added = client.post("/editor/grid?op=add-actor", data=form, headers=headers).text
    assert 'name="a.17.id"' in added and 'value="actor18"' in added
    removed = client.post("/editor/grid?op=remove-issue&index=0", data=form, headers=headers).text
    assert 'name="i.4.id"' not in removed and 'value="withdrawal"' not in removed
    for fmt, suffix in (("yaml", ".yaml"), ("xlsx", ".xlsx")):
        down = client.post(f"/editor/download?fmt={fmt}", data=form, headers=headers)
        assert down.status_code == 200
        path = tmp_path / f"down{suffix}"
        path.write_bytes(down.content)
        back = read_case(path)
        assert [a.id for a in back.actors] == [a.id for a in read_case(SEED).actors]
        if fmt == "yaml":  # the case file keeps everything: the same case, hash for hash
            assert back.fingerprint() == read_case(SEED).fingerprint()
    used = client.post("/editor/use", data=form, headers=headers)
    assert used.headers["HX-Redirect"] == f"/run?case=store:{read_case(SEED).fingerprint()}"


def test_ensemble_equals_cli_json(client, runner) -> None:
    got = client.post(
        "/api/ensemble", files=upload(), data={"model": "compromise", "members": "40", "seed": "7"}
    )
    assert got.status_code == 200, got.text
    expected = cli_json(
        runner, "ensemble", str(SEED), "-m", "compromise", "-n", "40", "--seed", "7"
    )
    assert got.json() == expected
    # a what-if change reaches the ensemble as it does `parley ensemble --set`, and moves it
    change = "iai.withdrawal.position=0"
    fields = {"model": "compromise", "members": "40", "seed": "7", "set": change}
    changed = client.post("/api/ensemble", files=upload(), data=fields)
    assert changed.status_code == 200, changed.text
    assert changed.json() == cli_json(
        runner,
        "ensemble",
        str(SEED),
        "-m",
        "compromise",
        "-n",
        "40",
        "--seed",
        "7",
        "--set",
        change,
    )
    assert changed.json() != expected
    too_many = client.post("/api/ensemble", files=upload(), data={"members": "1000000"})
    assert too_many.status_code == 422
    assert too_many.json()["problems"] == ["members: expected 1 to 20000, got 1000000"]


def test_run_page_ensemble_fragment(client) -> None:
    client.get("/")
    form = {"case": "bundled:iraq-2006", "model": "compromise", "members": "40", "seed": "7"}
    got = client.post(
        "/run/ensemble", data=form, headers={"X-CSRF-Token": client.cookies["parley_csrf"]}
    )
    assert got.status_code == 200 and "40 members, seed 7" in got.text
    assert "Timetable of US withdrawal" in got.text


def test_levers_equals_cli_json(client, runner) -> None:
    fields = {"actor": "iai", "model": "compromise", "kinds": "salience", "goal": "withdrawal=1"}
    got = client.post("/api/levers", files=upload(), data=fields)
    assert got.status_code == 200, got.text
    expected = cli_json(
        runner,
        "levers",
        str(SEED),
        "--actor",
        "iai",
        "-m",
        "compromise",
        "-k",
        "salience",
        "--goal",
        "withdrawal=1",
    )
    assert got.json() == expected
    nobody = client.post("/api/levers", files=upload(), data={"actor": "nobody"})
    assert nobody.status_code == 422 and len(nobody.json()["problems"]) == 1


def test_run_page_compare_and_front_take_the_what_if(client, runner) -> None:
    """The Run form's What-if field reaches the Compare and Front buttons: each fragment shows
    the numbers of `parley compare/front --set ...`, which differ from those without the change."""
    from parley import read_case
    from parley.report.numbers import fmt_value, places_for

    client.get("/")
    headers = {"X-CSRF-Token": client.cookies["parley_csrf"]}
    change = "us_admin.withdrawal.position=4"
    form = {"case": "bundled:iraq-2006", "model": "compromise", "set": change}
    issue = read_case(SEED).issue("withdrawal")
    places = places_for(issue.lower, issue.upper)

    def base_cell(*extra: str) -> str:
        cmp = cli_json(runner, "compare", str(SEED), "-m", "compromise", *extra)
        value = cmp["scenarios"]["base"]["models"]["compromise"]["forecast"]["withdrawal"]
        return f'<td>base</td><td>compromise</td><td class="num">{fmt_value(value, places)}'

    with_set, without = base_cell("--set", change), base_cell()
    assert with_set != without  # the change moves the forecast, so the check can fail
    page = client.post("/run/compare", data=form, headers=headers)
    assert page.status_code == 200, page.text
    assert with_set in page.text and without not in page.text

    # the median front of iai and ams gains nothing in the base case, but does with iai asking 4
    change = "iai.withdrawal.position=4"
    form.update(model="median", set=change, front_members="iai,ams")
    form["members"] = "500"  # the Ensemble field of the same form, never read as front members
    front = client.post("/run/front", data=form, headers=headers)
    assert front.status_code == 200, front.text
    gains = cli_json(
        runner, "front", str(SEED), "--members", "iai,ams", "-m", "median", "--set", change
    )["fronts"][0]
    plain = cli_json(runner, "front", str(SEED), "--members", "iai,ams", "-m", "median")
    shown = [f"{v:+.3f}" for v in gains["gain_by_model"]["median"].values()]
    before = [f"{v:+.3f}" for v in plain["fronts"][0]["gain_by_model"]["median"].values()]
    assert shown != before
    assert all(f'<td class="num">{s}</td>' in front.text for s in shown)


def test_sensitivity_equals_cli_json(client, runner, tmp_path, monkeypatch) -> None:
    tornado = client.post("/api/sensitivity", files=upload(), data={"model": "compromise"})
    assert tornado.status_code == 200, tornado.text
    assert tornado.json() == cli_json(runner, "sensitivity", str(SEED), "-m", "compromise")
    fields = {"model": "median", "method": "sobol", "samples": "8", "seed": "3"}
    fields["scenario"] = "democratic-congress"
    sobol = client.post("/api/sensitivity", files=upload(), data=fields)
    assert sobol.status_code == 200, sobol.text
    expected = cli_json(
        runner,
        "sensitivity",
        str(SEED),
        "-m",
        "median",
        "--method",
        "sobol",
        "-n",
        "8",
        "--seed",
        "3",
        "-s",
        "democratic-congress",
    )
    assert sobol.json() == expected
    # a bad sample count: 422 with the CLI's own line
    bad = client.post("/api/sensitivity", files=upload(), data={**fields, "samples": "100"})
    result = runner.invoke(cli, ["sensitivity", str(SEED), "--method", "sobol", "-n", "100"])
    assert result.exit_code == 2
    assert bad.status_code == 422
    assert bad.json()["problems"] == [result.stderr.strip().removeprefix("error: ")]
    method = client.post("/api/sensitivity", files=upload(), data={"method": "nosuch"})
    assert method.status_code == 422
    assert method.json()["problems"] == ["unknown method 'nosuch' (known: tornado, sobol, morris)"]


def test_run_page_sensitivity_and_levers(client, runner) -> None:
    """The Run page's Sensitivity and Levers buttons render the CLI's JSON: the top entries of
    `parley sensitivity` and the best levers of `parley levers --actor` appear in the fragments."""
    client.get("/")
    headers = {"X-CSRF-Token": client.cookies["parley_csrf"]}
    form = {"case": "bundled:iraq-2006", "model": "compromise", "method": "tornado"}
    page = client.post("/run/sensitivity", data=form, headers=headers)
    assert page.status_code == 200, page.text
    sens = cli_json(runner, "sensitivity", str(SEED), "-m", "compromise")
    top = sens["models"]["compromise"]["issues"]["withdrawal"][0]
    assert "compromise: Timetable of US withdrawal" in page.text
    assert f'<td>{top["input"]}</td><td class="num">{top["low"]:.4g}</td>' in page.text
    with_set = client.post(
        "/run/sensitivity", data={**form, "set": "iai.capability=3"}, headers=headers
    )
    assert "set: not available for sensitivity" in with_set.text

    form.update(actor="iai", goal="withdrawal=1", set="us_admin.capability=60")
    levers = client.post("/run/levers", data=form, headers=headers)
    assert levers.status_code == 200, levers.text
    expected = cli_json(
        runner,
        "levers",
        str(SEED),
        "--actor",
        "iai",
        "-m",
        "compromise",
        "--goal",
        "withdrawal=1",
        "--set",
        "us_admin.capability=60",
    )
    best = expected["models"]["compromise"][0]
    assert "Levers for iai" in levers.text
    assert f"<td>{best['kind']}</td><td>{best['target']}</td>" in levers.text
    assert f'<td class="num">{best["effect"]:+.3f}</td>' in levers.text
    nobody = client.post("/run/levers", data={**form, "actor": "nobody"}, headers=headers)
    assert "nobody" in nobody.text and "Traceback" not in nobody.text


def test_editor_scenarios_follow_the_case_files_yaml_rules(client) -> None:
    # the scenarios field is YAML a request carries: read as a case file is (parse_yaml), so an
    # alias bomb is refused before it expands and 5_0 is no number
    client.get("/")
    headers = {"X-CSRF-Token": client.cookies["parley_csrf"]}
    form = editor_form(client)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    got = client.post("/editor/check", data=dict(form, scenarios=bomb), headers=headers).text
    assert "scenarios: line" in got and "the file expands to more than" in got
    underscored = "- name: s\n  set:\n  - {actor: us_admin, issue: withdrawal, position: 5_0}\n"
    got = client.post("/editor/check", data=dict(form, scenarios=underscored), headers=headers)
    assert "expected a number in plain decimal notation" in got.text
