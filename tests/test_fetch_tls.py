"""Feeds over https, against a local HTTPS server on 127.0.0.1 with certificates made here.

The certificates come from the `openssl` command (neither trustme nor cryptography is a
dependency, and these tests do not justify adding one); without it the tests are skipped.
A certificate the fetch does not trust must fail that feed alone, in one line naming the
problem (it read "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed
certificate (_ssl.c:1006)"), and back off like any other failure.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import TestServer

from briefing.fetch.http import tls_reason

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
