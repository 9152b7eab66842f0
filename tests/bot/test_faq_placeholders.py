"""Placeholders left in the FAQ are named at start-up; the demo's FAQ has none.

`supportbot run` is started as an operator starts it (a real process, sandbox mode, the test's
Redis), once with the default FAQ and once with the demo's, and its log is read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bot.app import DEMO_DIR
from faq.knowledge import default_faq_path, load_knowledge_base
from faq.placeholders import Placeholder, unfilled_placeholders

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_until_started(redis_url: str, namespace: str, tmp_path: Path, **env: str) -> list[str]:
    """Start `supportbot run` in sandbox mode, stop it once it serves; the lines it logged."""
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "FAQ_FILE")},
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": namespace,
        "DATA_DIR": str(tmp_path),
        "SANDBOX_PORT": str(free_port()),
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=REPO,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "Press Ctrl-C" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return stderr.splitlines()


def test_every_placeholder_in_the_default_faq_is_named_at_start_up_one_line_per_entry(
    redis_url: str, namespace: str, tmp_path: Path
) -> None:
    lines = run_until_started(redis_url, namespace, tmp_path, FAQ_FILE=str(default_faq_path()))
    warned = [line for line in lines if "still has placeholders" in line]
    expected = unfilled_placeholders(load_knowledge_base(default_faq_path()))
    entries = list(dict.fromkeys(placeholder.entry_id for placeholder in expected))
    assert len(warned) == len(entries) > 20  # one line per entry, not one per placeholder (84)
    for entry_id, line in zip(entries, warned, strict=True):
        assert f"FAQ entry {entry_id!r} still has placeholders: " in line
        for placeholder in expected:
            if placeholder.entry_id == entry_id:
                assert placeholder.text in line
        assert line.endswith("(replace them with your values)")
    assert Placeholder("pay-pix", "pt", "[chave]") in expected
    assert Placeholder("prices", "pt", "[00,00]") in expected
    assert any(
        "'pay-pix' still has placeholders: en [key]; es [clave]; pt [chave] (" in line for line in warned
    )
    assert any("'pay-card' still has placeholders: en [link], [12];" in line for line in warned)


def test_the_demo_runs_on_a_faq_without_placeholders(redis_url: str, namespace: str, tmp_path: Path) -> None:
    lines = run_until_started(redis_url, namespace, tmp_path)
    assert not [line for line in lines if "placeholder" in line]
    demo = load_knowledge_base(DEMO_DIR / "faq.yaml")
    assert unfilled_placeholders(demo) == []
    default = load_knowledge_base(default_faq_path())
    assert [entry.id for entry in demo] == [entry.id for entry in default]  # the same FAQ, filled in
    answer = demo.get("pay-pix")
    assert answer is not None and "pix@tv.example.com" in answer.answer("pt")
