"""Feeds over https, against a local HTTPS server on 127.0.0.1 with certificates made here.

The certificates come from the `openssl` command (neither trustme nor cryptography is a
dependency, and these tests do not justify adding one); without it the tests are skipped.
A certificate the fetch does not trust must fail that feed alone, in one line naming the
problem (it read "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed
certificate (_ssl.c:1006)"), and back off like any other failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fetchenv import ARTICLE, FetchEnv, report, rss
from httpserver import RequestHandler, TestServer

from briefing.fetch.http import Fetcher, FetchError, tls_reason

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def make_cert(folder: Path, name: str, san: str, *, days: int = 2) -> tuple[Path, Path]:
    """A self-signed EC certificate and its key; `days=-1`: expired yesterday."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    run = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
           "-addext", f"subjectAltName={san}", "-days", str(days)]  # fmt: skip
    if days < 0:  # `req -x509` refuses a negative -days: sign a request instead
        csr, ext = folder / f"{name}.csr", folder / f"{name}.ext"
        ext.write_text(f"subjectAltName={san}\n")
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key),
                        "-out", str(csr), "-subj", f"/CN={name}"],
                       check=True, capture_output=True)  # fmt: skip
        run = ["openssl", "x509", "-req", "-in", str(csr), "-signkey", str(key), "-out",
               str(cert), "-days", str(days), "-extfile", str(ext)]  # fmt: skip
    subprocess.run(run, check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("certs")
    return {
        "self-signed": make_cert(folder, "local", "IP:127.0.0.1"),
        "other-name": make_cert(folder, "other", "DNS:other.example"),
        "expired": make_cert(folder, "expired", "IP:127.0.0.1", days=-1),
    }


def https_server(cert: Path, key: Path) -> TestServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = TestServer(tls=context)
    server.add("/feed", rss([("s1", "Tbilisi talks over https")]))
    return server


@pytest.fixture
def secure(certs: dict[str, tuple[Path, Path]]) -> Iterator[TestServer]:
    with https_server(*certs["self-signed"]) as server:
        yield server


def test_an_untrusted_certificate_fails_that_feed_in_one_line_and_it_backs_off(
    fetch_env: FetchEnv, http_server: TestServer, secure: TestServer
) -> None:
    http_server.add("/plain", rss([("p1", "Baku talks over http")]))
    fetch_env.configure(("Secure", secure.url("/feed")), ("Plain", "/plain"))

    summary, elapsed = fetch_env.timed()

    assert elapsed < 3
    rep = report(summary, "Secure")
    assert rep.status == "error"
    assert (
        rep.error
        == "cannot connect to 127.0.0.1: TLS certificate rejected: self-signed certificate"
    )
    assert rep.next_check is not None
    state = fetch_env.state("Secure")
    assert (state.error_count, state.last_error) == (1, rep.error)
    assert secure.hits("/feed") == []  # refused in the handshake: no request was sent
    assert report(summary, "Plain").status == "ok"
    assert [r["title"] for r in fetch_env.rows("Plain")] == ["Baku talks over http"]

    again = fetch_env.run()
    assert report(again, "Secure").status == "skipped"  # backing off: not requested


def test_a_trusted_certificate_is_read_and_ssl_cert_file_is_honoured(
    fetch_env: FetchEnv, secure: TestServer, certs: dict[str, tuple[Path, Path]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The same server, its certificate trusted through SSL_CERT_FILE (httpx reads it when
    the fetch starts): the https rig itself works, so the failure above is the certificate."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certs["self-signed"][0]))
    fetch_env.configure(("Secure", secure.url("/feed")))

    summary = fetch_env.run()

    assert report(summary, "Secure").status == "ok", report(summary, "Secure").error
    assert [r["title"] for r in fetch_env.rows("Secure")] == ["Tbilisi talks over https"]


@pytest.mark.parametrize(
    ("cert", "reason"),
    [
        ("expired", "TLS certificate rejected: certificate has expired"),
        (
            "other-name",
            "TLS certificate rejected: IP address mismatch, certificate is not"
            " valid for '127.0.0.1'",
        ),  # fmt: skip
        (None, "the server does not speak TLS there (plain HTTP on an https URL?)"),
    ],
)
def test_each_tls_failure_is_named_in_one_line(
    fetch_env: FetchEnv, http_server: TestServer, certs: dict[str, tuple[Path, Path]],
    monkeypatch: pytest.MonkeyPatch, cert: str | None, reason: str,
) -> None:  # fmt: skip
    if cert is None:  # an https URL for a server speaking plain HTTP
        url = http_server.url("/feed").replace("http://", "https://")
        fetch_env.configure(("Secure", url))
        summary = fetch_env.run()
    else:
        monkeypatch.setenv("SSL_CERT_FILE", str(certs[cert][0]))  # trusted, yet wrong
        with https_server(*certs[cert]) as server:
            fetch_env.configure(("Secure", server.url("/feed")))
            summary = fetch_env.run()

    rep = report(summary, "Secure")
    assert rep.status == "error"
    assert rep.error == f"cannot connect to 127.0.0.1: {reason}"


def test_other_tls_failures_keep_openssls_words_without_its_noise() -> None:
    error = ssl.SSLError(
        1, "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)"
    )
    assert tls_reason(error) == "TLS handshake failed: sslv3 alert handshake failure"


def test_a_tls_record_damaged_mid_answer_is_a_passing_break_not_a_handshake_failure(
    fetch_env: FetchEnv, certs: dict[str, tuple[Path, Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate is trusted and the answer has begun when a damaged TLS record comes
    (a flaky link, a middlebox). It read "cannot connect to 127.0.0.1: TLS handshake failed:
    decryption failed or bad record mac", blaming a handshake that had gone well, and as a
    lasting failure: an article page failing so was never read again."""
    damage = {"on": True}

    def page(h: RequestHandler) -> None:
        if not damage["on"]:
            h.respond(200, ARTICLE.encode(), content_type="text/html; charset=utf-8")
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"<html>" + b" " * 5000)
        h.wfile.flush()
        raw = socket.socket(fileno=os.dup(h.connection.fileno()))  # under the TLS layer
        raw.sendall(bytes([23, 3, 3, 0, 40]) + bytes(range(40)))  # a record failing its MAC
        raw.close()
        time.sleep(0.3)
        h.close_connection = True

    monkeypatch.setenv("SSL_CERT_FILE", str(certs["self-signed"][0]))
    with https_server(*certs["self-signed"]) as server:
        server.add("/feed", rss([("s1", "Tbilisi talks over https")], base=server.url("")))
        server.route("/articles/s1", page)
        fetch_env.configure(("Secure", server.url("/feed")))
        with pytest.raises(FetchError) as caught:
            asyncio.run(_get(server.url("/articles/s1")))
        assert str(caught.value) == (
            "the connection to 127.0.0.1 broke off mid-answer (TLS: decryption failed or bad"
            " record mac)"
        )
        assert caught.value.transient

        first = fetch_env.run(articles=True)
        assert first.articles_extracted == 0 and first.articles_failed == 0
        (row,) = fetch_env.rows("Secure")
        assert row["text"] is None and row["extract_error"] is None  # to be tried again

        damage["on"] = False
        again = fetch_env.run(articles=True)
    assert again.articles_extracted == 1
    (row,) = fetch_env.rows("Secure")
    assert "Yerevan" in row["text"]


async def _get(url: str) -> None:
    async with Fetcher(trusted_hosts=["127.0.0.1"]) as fetcher:
        await fetcher.get(url, kind="page")
