"""deploy/ checked by the tools that will read it: nginx -t, promtool, systemd-analyze, redis-server.

Each test skips, saying which Debian package provides the tool, when the tool is missing
(`.ci/run` installs them). compose.yaml cannot be run here: it is parsed and its wiring checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def tool(name: str, package: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if Path(f"/usr/sbin/{name}").exists() else None)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {package}; .ci/run does it)")
    return path


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_compose_runs_redis_with_aof_workers_a_proxy_and_prometheus() -> None:
    services = compose()["services"]
    assert set(services) == {"redis", "bot", "nginx", "prometheus"}

    redis = services["redis"]
    mounted = {volume.split(":")[1]: volume.split(":")[0] for volume in redis["volumes"]}
    assert redis["command"][-1] in mounted
    config = (DEPLOY / mounted[redis["command"][-1]]).read_text()
    assert re.search(r"^appendonly yes$", config, re.M) and re.search(
        r"^maxmemory-policy noeviction$", config, re.M
    )

    bot = services["bot"]
    assert bot["deploy"]["replicas"] >= 2
    assert bot["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert bot["depends_on"]["redis"]["condition"] == "service_healthy"
    assert (DEPLOY / bot["build"]["dockerfile"].removeprefix("deploy/")).exists()
    assert "/readyz" in " ".join(bot["healthcheck"]["test"])
    metrics_port = bot["environment"]["METRICS_PORT"]

    nginx = services["nginx"]
    assert nginx["ports"] == ["443:443"]
    assert nginx["environment"]["SUPPORTBOT_UPSTREAM"] == f"bot:{bot['environment']['WEBHOOK_PORT']}"
    for service in ("nginx", "prometheus", "redis"):
        for volume in services[service]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./") and source != "./tls":
                assert (DEPLOY / source).exists(), source

    scrape = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    [job] = scrape["scrape_configs"]
    assert job["dns_sd_configs"][0]["names"] == ["bot"]
    assert str(job["dns_sd_configs"][0]["port"]) == metrics_port


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    nginx = tool("nginx", "nginx-light")
    openssl = tool("openssl", "openssl")
    made = run(
        openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=desk.test",
        "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    values = {
        "SUPPORTBOT_DOMAIN": "desk.test",
        "SUPPORTBOT_UPSTREAM": "127.0.0.1:8443",
        "SUPPORTBOT_TLS_DIR": str(tmp_path),
    }
    template = (DEPLOY / "nginx" / "supportbot.conf.template").read_text()
    site = re.sub(r"\$\{(SUPPORTBOT_[A-Z_]+)\}", lambda m: values[m.group(1)], template)
    assert "${" not in site
    (tmp_path / "supportbot.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/supportbot.conf;\n}}\n"
    )
    checked = run(
        nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "e.log")
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


def test_promtool_accepts_the_scrape_config_and_rules_and_the_alerts_fire() -> None:
    promtool = tool("promtool", "prometheus")
    for command in (
        ("check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")),
        ("check", "rules", str(DEPLOY / "prometheus" / "alerts.yml")),
        ("test", "rules", str(DEPLOY / "prometheus" / "alerts_test.yml")),
    ):
        checked = run(promtool, *command)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    names = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert {"SupportbotSlaBreaches", "SupportbotOutboundBacklog"} <= names


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze", "systemd")
    supportbot = Path(sys.executable).with_name("supportbot")
    assert supportbot.exists()
    # The unit as installed, its ExecStart pointing at this checkout's venv instead of /opt/supportbot.
    unit = (DEPLOY / "systemd" / "supportbot@.service").read_text()
    assert "ExecStart=/opt/supportbot/.venv/bin/supportbot run" in unit
    instance = tmp_path / "supportbot@1.service"
    instance.write_text(unit.replace("/opt/supportbot/.venv/bin/supportbot", str(supportbot)))
    checked = run(analyze, "verify", str(instance))
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr


def test_redis_server_accepts_the_config(tmp_path: Path) -> None:
    from tests.redis_servers import RedisProcess, free_port

    config = [
        line
        for line in (DEPLOY / "redis.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("dir ")
    ]
    server = RedisProcess(tmp_path, free_port(), config).start()
    try:
        settings = server.client().config_get("appendonly") | server.client().config_get("maxmemory-policy")
    finally:
        server.stop()
    assert settings == {"appendonly": "yes", "maxmemory-policy": "noeviction"}
