"""Envoy's statistics listener: Prometheus text and readiness for scrapers, nothing else."""

from __future__ import annotations

import aiohttp

from tests.harness import Gateway


def _stats_url(gateway: Gateway) -> str:
    return f"http://127.0.0.1:{gateway.config['envoy']['stats_port']}"


async def test_prometheus_stats_and_readiness_are_served(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(_stats_url(gateway) + "/stats/prometheus") as response:
            text = await response.text()
            assert response.status == 200
        async with session.get(_stats_url(gateway) + "/ready") as response:
            assert response.status == 200
            assert (await response.text()).strip() == "LIVE"
    assert "# TYPE envoy_cluster_upstream_rq_total counter" in text
    assert 'envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="egress"}' in text


async def test_the_rest_of_the_admin_api_is_not_reachable(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as session:
        for method, path in [
            ("POST", "/quitquitquit"),
            ("POST", "/drain_listeners"),
            ("GET", "/config_dump"),
            ("POST", "/stats/prometheus"),
            ("GET", "/stats"),
        ]:
            async with session.request(method, _stats_url(gateway) + path) as response:
                assert response.status == 404, (method, path)
        async with session.get(gateway.admin_url + "/ready") as response:
            assert response.status == 200  # Envoy is still up: nothing above reached it
