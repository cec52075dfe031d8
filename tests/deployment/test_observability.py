"""deploy/observability: the alert rules are valid Prometheus rules, and every metric the rules and the dashboard
name is one the processes really export (read from the registries the code builds, not from a list)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import yaml
from fastapi import FastAPI
from gateway.metrics import GatewayMetrics
from smartcity_dev.deployment import REPO
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.db import create_engine
from smartcity_kit.outbox import outbox_table

OBSERVABILITY = REPO / "deploy" / "observability"
# what Prometheus adds to every target itself
PROMETHEUS_OWN = {"up"}
# the series each metric type exposes, after its family name
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created")}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}


def exported_metrics() -> set[str]:
    """Every series name a service's and the gateway's /metrics can hold."""
    app = FastAPI()
    install_common(app, service="participants", outbox=outbox_table(sa.MetaData(schema="participants")))
    app.state.engine = create_engine("postgresql://nobody@127.0.0.1:1/none")  # never connects: only its pool is read
    app.state.feed_consumers.append(SimpleNamespace(feed="mentoring", behind=3, oldest_behind_at=0.0))
    RequestContextMiddleware(app, registry=app.state.metrics_registry, service="participants")
    names = set()
    for registry in (app.state.metrics_registry, GatewayMetrics().registry):
        for family in registry.collect():
            names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
            names |= {sample.name for sample in family.samples}
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: identifiers outside label matchers, grouping clauses and
    strings that do not call a function."""
    expr = re.sub(r'"(\\.|[^"\\])*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    found = re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", expr)
    return {name for name in found if name not in KEYWORDS and not re.fullmatch(r"\d.*|e\d+|[a-z]", name)}


def rules() -> list[dict]:
    groups = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((OBSERVABILITY / "dashboard.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    variables = [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    return [*exprs, *(re.sub(r"label_values\((\w+),.*\)", r"\1", q) for q in variables)]


def test_the_alert_rules_pass_promtool():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus); the name checks below still run")
    result = subprocess.run(
        [promtool, "check", "rules", str(OBSERVABILITY / "alerts.yaml")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_the_alerts_cover_feed_lag_server_errors_and_readiness_each_with_a_summary():
    alerts = {rule["alert"]: rule for rule in rules()}
    assert len(alerts) == len(rules())  # no name twice
    read = {name: metric_names(rule["expr"]) for name, rule in alerts.items()}
    assert read["FeedConsumerBehind"] == {"feed_consumer_oldest_unconsumed_age_seconds"}
    assert read["GatewayServerErrors"] == {"gateway_requests_total"}
    assert read["ProcessDown"] == {"up"}
    for rule in alerts.values():
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]


def test_every_metric_the_rules_and_the_dashboard_read_is_exported():
    exported = exported_metrics() | PROMETHEUS_OWN
    exprs = [rule["expr"] for rule in rules()] + dashboard_exprs()
    assert len(exprs) >= 20
    for expr in exprs:
        names = metric_names(expr)
        assert names, expr
        assert names <= exported, (expr, names - exported)


def test_the_name_check_would_notice_a_metric_that_does_not_exist():
    assert metric_names('sum by (target) (rate(gateway_requests_total{status=~"5.."}[5m]))') == {
        "gateway_requests_total"
    }
    assert metric_names("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))") == {
        "http_request_duration_seconds_bucket"
    }
    assert not metric_names("feed_lag_events") <= exported_metrics()


def test_the_scrape_configuration_loads_the_rules_and_labels_each_process():
    config = yaml.safe_load((OBSERVABILITY / "prometheus.yaml").read_text())
    assert config["rule_files"] == ["alerts.yaml"]
    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    targets = {r.get("target_label") for r in job["relabel_configs"]}
    assert "service" in targets  # what the rules and the dashboard group by
