"""Logging in and out, the session cookie, CSRF, roles, and the UI refusing to run unkeyed."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from sluice.admin.auth import SESSION_COOKIE, Keys, Role, SessionSigner
from sluice.store import Store
from tests.ui.conftest import ADMIN_KEY, VIEWER_KEY, auth, form_value, login

Client = TestClient[Any, Any]

PAGES = ["/live", "/sessions", "/sessions/s1", "/exchanges/x1", "/policies", "/health"]


def session_cookie(response: Any) -> Any:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        jar.load(header)
    return jar[SESSION_COOKIE]


async def post_login(client: Client, key: str, **headers: str) -> Any:
    page = await client.get("/login")
    token = form_value(await page.text(), "login_token")
    return await client.post(
        "/login",
        data={"login_token": token, "key": key, "next": "/sessions"},
        headers=headers,
        allow_redirects=False,
    )


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_sends_a_visitor_without_a_session_to_the_login_form(
    ui: Client, path: str
) -> None:
    response = await ui.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == f"/login?next={path}"


async def test_a_fetch_the_browser_makes_on_its_own_gets_401_and_no_login_token(
    ui: Client,
) -> None:
    # Followed to the login form, a stray image fetch would swap the token under the form.
    response = await ui.get(
        "/sessions/x/thumb.png", headers={"Sec-Fetch-Mode": "no-cors"}, allow_redirects=False
    )
    assert response.status == 401
    assert "sluice_login" not in response.cookies
    favicon = await ui.get("/favicon.ico", allow_redirects=False)
    assert (favicon.status, favicon.headers["Location"]) == (301, "/static/favicon.svg")
    assert (await ui.get("/favicon.ico")).content_type == "image/svg+xml"


async def test_login_with_the_admin_key_sets_a_strict_http_only_session_cookie(ui: Client) -> None:
    response = await post_login(ui, ADMIN_KEY)
    assert response.status == 303
    assert response.headers["Location"] == "/sessions"
    cookie = session_cookie(response)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # plain HTTP: a Secure cookie would never come back
    assert ADMIN_KEY not in cookie.value
    assert "k" * 20 not in cookie.value
    page = await ui.get("/sessions")
    assert page.status == 200
    assert 'class="badge role-admin"' in await page.text()


async def test_the_cookie_is_secure_behind_a_tls_proxy(ui: Client) -> None:
    response = await post_login(ui, ADMIN_KEY, **{"X-Forwarded-Proto": "https"})
    assert session_cookie(response)["secure"] is True


async def test_the_cookie_is_secure_when_configured(
    ui: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLUICE_ADMIN_SECURE_COOKIES", "1")
    page = await ui.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await ui.post(  # a Secure cookie does not come back over HTTP: send it by hand
        "/login",
        data={"login_token": token, "key": ADMIN_KEY},
        headers={"Cookie": f"sluice_login={token}"},
        allow_redirects=False,
    )
    assert session_cookie(response)["secure"] is True


async def test_a_wrong_key_is_refused_without_a_session(ui: Client) -> None:
    response = await post_login(ui, "not-the-key")
    assert response.status == 401
    assert "That key is not valid." in await response.text()
    assert SESSION_COOKIE not in response.cookies
    assert (await ui.get("/live", allow_redirects=False)).status == 303


async def test_a_login_post_without_the_forms_token_is_refused(ui: Client) -> None:
    response = await ui.post("/login", data={"key": ADMIN_KEY}, allow_redirects=False)
    assert response.status == 403
    assert SESSION_COOKIE not in response.cookies


async def test_login_never_redirects_to_another_site(ui: Client) -> None:
    page = await ui.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await ui.post(
        "/login",
        data={"login_token": token, "key": ADMIN_KEY, "next": "//evil.example/x"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/live"


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/ /evil.example",
    ],
)
async def test_no_spelling_of_another_site_is_followed_after_login(ui: Client, target: str) -> None:
    page = await ui.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await ui.post(
        "/login",
        data={"login_token": token, "key": ADMIN_KEY, "next": target},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/live"


async def test_a_path_on_this_server_is_followed_after_login(ui: Client) -> None:
    page = await ui.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await ui.post(
        "/login",
        data={"login_token": token, "key": ADMIN_KEY, "next": "/sessions?user=a%20b"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/sessions?user=a%20b"


@pytest.mark.parametrize(
    "encoded", ["cl%C3%A9", "%E2%98%83" * 40, "%ED%A0%80", "%FF%FE"], ids=str.__len__
)
async def test_a_non_ascii_key_in_the_form_is_just_a_wrong_key(ui: Client, encoded: str) -> None:
    """Any bytes a browser (or anyone) may post, valid UTF-8 or not, are a wrong key."""
    page = await ui.get("/login")
    token = form_value(await page.text(), "login_token")
    response = await ui.post(
        "/login",
        data=f"login_token={token}&key={encoded}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
    )
    assert response.status == 401
    assert "That key is not valid." in await response.text()


async def test_a_non_ascii_form_token_is_an_expired_form(ui: Client) -> None:
    await ui.get("/login")
    response = await ui.post(
        "/login", data={"login_token": "jeton-é", "key": ADMIN_KEY}, allow_redirects=False
    )
    assert response.status == 403


async def test_wrong_keys_from_one_address_are_throttled(ui: Client) -> None:
    """Ten wrong keys, then 429 with Retry-After, even for the right key: guessing is slow."""
    for _ in range(10):
        assert (await post_login(ui, "guess")).status == 401
    response = await post_login(ui, ADMIN_KEY)
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many wrong keys" in await response.text()
    assert SESSION_COOKIE not in response.cookies
    api = await ui.get("/api/sessions", headers=auth())  # the API shares the count
    assert api.status == 429
    assert "too many wrong keys" in (await api.json())["error"]


async def test_logout_ends_the_session_even_if_the_cookie_is_replayed(ui: Client) -> None:
    csrf = await login(ui)
    token = ui.session.cookie_jar.filter_cookies(ui.make_url("/"))[SESSION_COOKIE].value
    response = await ui.post("/logout", data={"csrf_token": csrf}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/login"
    assert (await ui.get("/live", allow_redirects=False)).status == 303
    replay = await ui.get(
        "/live", headers={"Cookie": f"{SESSION_COOKIE}={token}"}, allow_redirects=False
    )
    assert replay.status == 303


async def test_a_cookie_change_without_the_csrf_token_is_refused(ui: Client) -> None:
    csrf = await login(ui)
    assert (await ui.post("/logout", allow_redirects=False)).status == 403
    wrong = await ui.post("/logout", data={"csrf_token": "x" + csrf}, allow_redirects=False)
    assert wrong.status == 403
    api = await ui.post("/api/policies/validate", json={"policies": []})
    assert api.status == 403
    assert "CSRF" in (await api.json())["error"]
    with_token = await ui.post(
        "/api/policies/validate", json={"policies": []}, headers={"X-CSRF-Token": csrf}
    )
    assert with_token.status == 200, await with_token.text()


async def test_a_change_from_another_site_is_refused_even_with_the_token(ui: Client) -> None:
    csrf = await login(ui)
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = await ui.post(
            "/api/policies/validate",
            json={"policies": []},
            headers={"X-CSRF-Token": csrf, **headers},
        )
        assert response.status == 403


async def test_bearer_requests_need_no_csrf_token(ui: Client) -> None:
    response = await ui.post("/api/policies/validate", json={"policies": []}, headers=auth())
    assert response.status == 200, await response.text()


async def test_a_tampered_or_foreign_session_token_is_refused(ui: Client) -> None:
    viewer = SessionSigner(Keys(ADMIN_KEY, VIEWER_KEY)).issue(Role.VIEWER)
    forged = "admin" + viewer.removeprefix("viewer")
    other = SessionSigner(Keys("another-admin-key-" + "x" * 20, VIEWER_KEY)).issue(Role.ADMIN)
    for token in (forged, other, "admin.9999999999.n.sig", "garbage"):
        response = await ui.get(
            "/live", headers={"Cookie": f"{SESSION_COOKIE}={token}"}, allow_redirects=False
        )
        assert response.status == 303, token
    api = await ui.get("/api/sessions", headers={"Cookie": f"{SESSION_COOKIE}={forged}"})
    assert api.status == 401


async def test_replicas_with_the_same_keys_accept_each_others_sessions(
    make_client: Any, sqlite_store: Store
) -> None:
    first, second = await make_client(sqlite_store), await make_client(sqlite_store)
    await login(first)
    token = first.session.cookie_jar.filter_cookies(first.make_url("/"))[SESSION_COOKIE].value
    response = await second.get("/api/sessions", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
    assert response.status == 200


async def test_the_viewer_sees_everything_but_cannot_change_policies(ui: Client) -> None:
    csrf = await login(ui, VIEWER_KEY)
    for path in ("/live", "/sessions", "/policies", "/health"):
        assert (await ui.get(path)).status == 200
    page = await (await ui.get("/policies")).text()
    assert 'id="read-only-note"' in page
    assert '<meta name="role" content="viewer">' in page
    assert (await ui.get("/api/policies")).status == 200
    for method, path in (("PUT", "/api/policies"), ("POST", "/api/policies/revert")):
        response = await ui.request(method, path, json={}, headers={"X-CSRF-Token": csrf})
        assert response.status == 403, path


async def test_without_an_admin_key_the_ui_is_off_and_says_why(
    make_client: Any, sqlite_store: Store
) -> None:
    client = await make_client(sqlite_store, key=None, viewer_key=None)
    page = await client.get("/")
    assert page.status == 503
    assert "web UI is off" in await page.text()
    assert (await client.get("/login")).status == 503
    assert (await client.get("/live")).status == 404
    assert (await client.get("/api/live")).status == 401


async def test_a_demo_opens_the_pages_without_a_login(
    make_client: Any, sqlite_store: Store
) -> None:
    client = await make_client(sqlite_store, key=None, viewer_key=None, demo=True)
    for path in ("/live", "/sessions", "/policies", "/health"):
        assert (await client.get(path)).status == 200
    cross_site = await client.post(
        "/api/policies/validate", json={"policies": []}, headers={"Origin": "http://evil.example"}
    )
    assert cross_site.status == 403


async def test_pages_carry_a_strict_content_security_policy(ui: Client) -> None:
    await login(ui)
    for path in ("/login", "/live", "/policies", "/static/live.js"):
        response = await ui.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
