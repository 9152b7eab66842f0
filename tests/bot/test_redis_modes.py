"""Reaching Redis through Sentinel with passwords, as the settings describe it, on real servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config import Settings, SettingsError
from bot.preflight import check_redis
from bot.redis_connection import open_redis
from tests.redis_servers import SentinelGroup, sentinel_group

PASSWORD = "primary-s3cret"
SENTINEL_PASSWORD = "sentinel-s3cret"


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SentinelGroup]:
    directory = tmp_path_factory.mktemp("sentinel-auth")
    with sentinel_group(directory, password=PASSWORD, sentinel_password=SENTINEL_PASSWORD) as started:
        yield started


def sentinel_settings(group: SentinelGroup, **passwords: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        redis_url=None,
        redis_sentinels=",".join(s.address for s in group.sentinels),
        redis_sentinel_service=group.service,
        **passwords,
    )


async def test_both_passwords_reach_the_primary(group: SentinelGroup) -> None:
    settings = sentinel_settings(group, redis_password=PASSWORD, redis_sentinel_password=SENTINEL_PASSWORD)
    async with open_redis(settings) as client:
        await client.set("desk:{desk}:probe", "1")
        assert await client.get("desk:{desk}:probe") == "1"
        assert (await client.info("replication"))["role"] == "master"
        await client.delete("desk:{desk}:probe")
    findings = await check_redis(settings)
    assert [f.level for f in findings] == ["ok", "ok"]
    assert findings[0].message == f"answers (sentinel service desk via {','.join(settings.redis_sentinels)})"


@pytest.mark.parametrize(
    ("passwords", "setting"),
    [
        ({"redis_password": "wrong", "redis_sentinel_password": SENTINEL_PASSWORD}, "REDIS_PASSWORD"),
        ({"redis_password": PASSWORD, "redis_sentinel_password": "wrong"}, "REDIS_SENTINEL_PASSWORD"),
        ({"redis_password": PASSWORD}, "REDIS_SENTINEL_PASSWORD"),
    ],
    ids=["wrong-primary-password", "wrong-sentinel-password", "no-sentinel-password"],
)
async def test_a_wrong_password_is_one_line_naming_the_setting(
    group: SentinelGroup, passwords: dict[str, str], setting: str
) -> None:
    settings = sentinel_settings(group, **passwords)
    with pytest.raises(SettingsError) as error:
        async with open_redis(settings):
            pass
    told = str(error.value)
    assert setting in told and "\n" not in told and len(told) < 400
    assert PASSWORD not in told and SENTINEL_PASSWORD not in told
    [finding] = await check_redis(settings)
    assert finding.level == "error" and setting in finding.line() and finding.fix
