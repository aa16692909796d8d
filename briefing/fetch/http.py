"""The HTTP side of fetching: one httpx client per run, with limits on everything.

- bounded global concurrency and a per-host cap (semaphores, taken per request hop);
- connect/read timeouts plus a *total* deadline per request (redirects included), because a
  server dripping one byte per second never trips a read timeout;
- caps on *decoded* bytes, checked while streaming: we read the raw body and decompress it
  ourselves with an output limit, so a gzip/brotli bomb is cut off after `cap` bytes;
- at most `max_redirects` redirects, followed by hand, http and https only;
- addresses: a host named in feeds.toml is trusted; for any other host (article links, redirect
  targets) the resolved IP must be public. The check runs in the connection layer on the very
  address we connect to, so DNS rebinding cannot slip a private address in between.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import ipaddress
import re
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import anyio
import brotli
import httpcore
import httpx

from briefing import __version__
from briefing.sanitize import clean_line

# httpcore tries `import sniffio` on every request; when it is not installed each failed import
# walks sys.path (a dozen stat() calls, ~1 ms per request). Remember the failure once.
try:
    import sniffio  # noqa: F401
except ImportError:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

USER_AGENT = f"briefing/{__version__} (+https://github.com/briefing-reader/briefing)"
MiB = 1024 * 1024
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})
HAPPY_EYEBALLS = 0.25  # seconds before the next address of a host is tried as well


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-request limits. Tests shrink them; the defaults are the issue's numbers."""

    connect: float = 10.0
    read: float = 20.0
    total: float = 60.0  # seconds for the whole request, redirects and body included
    feed_bytes: int = 15 * MiB  # decoded
    page_bytes: int = 20_000_000  # decoded
    max_redirects: int = 5


class FetchError(Exception):
    """A request failed; str() is a short, clean, human-readable reason. `transient`: the
    network or the server's connection failed (a timeout, a refused or broken connection),
    which a later try may not meet; not a refusal of ours (a blocked address, a size cap,
    too many redirects, a bad URL)."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class Deferred(Exception):
    """A request that had not started by its `start_by` time (it waited for a free slot)."""


class BlockedAddress(Exception):
    """An untrusted host resolved to a non-public address (raised in the connection layer)."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""
    redirects: tuple[str, ...] = field(default=())  # the URLs that answered with a redirect
    permanent: bool = False  # there were redirects and every one answered 301 or 308

    @property
    def moved_to(self) -> str | None:
        """The final URL when the requested one moved permanently to a different URL."""
        if self.permanent and self.redirects and self.url != self.redirects[0]:
            return self.url
        return None


# ----------------------------------------------------------------------------- addresses
def is_public_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local,
    unspecified, reserved, multicast, shared and documentation ranges, including IPv4 hidden
    inside IPv6 (mapped, 6to4, NAT64)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_ip(embedded)
    return bool(ip.is_global) and not ip.is_multicast


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check for untrusted hosts."""

    def __init__(self, trusted_hosts: Iterable[str]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self.trusted = {h.lower().rstrip(".") for h in trusted_hosts}

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        name = host.lower().rstrip(".").strip("[]")
        # Trusted or not, the name is looked up here, within the connect timeout (see lookup)
        if name in self.trusted:
            addresses = await resolve(name, port, timeout)
        else:
            addresses = await resolve_public(name, port, timeout)
        if len(addresses) == 1:
            return await self._inner.connect_tcp(
                addresses[0], port, timeout=timeout, local_address=local_address,
                socket_options=socket_options,
            )  # fmt: skip
        # Happy eyeballs (RFC 8305), as anyio did for the trusted names it looked up itself: each
        # address gets HAPPY_EYEBALLS s before the next one is tried too, and the first
        # connection wins (a broken IPv6 route costs 0.25 s, not the connect timeout).
        won: list[httpcore.AsyncNetworkStream] = []
        errors: list[Exception] = []

        async def attempt(address: str, done: anyio.Event) -> None:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - reported below, not out of the group
                errors.append(exc)
            else:
                if won:
                    await stream.aclose()
                else:
                    won.append(stream)
                    tg.cancel_scope.cancel()
            finally:
                done.set()

        async with anyio.create_task_group() as tg:
            for address in addresses:
                done = anyio.Event()
                tg.start_soon(attempt, address, done)
                with anyio.move_on_after(HAPPY_EYEBALLS):
                    await done.wait()
        if won:
            return won[0]
        if all(type(e) is type(errors[0]) for e in errors):
            raise errors[0]  # every address timed out, or all failed alike
        raise httpcore.ConnectError(f"cannot connect to {name}") from BaseExceptionGroup(
            f"{len(errors)} addresses", errors
        )

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# Host name lookups run on daemon threads of their own, at most DNS_THREADS at once in the
# process, one per name however many requests wait for it. socket.getaddrinfo cannot be
# interrupted: with a broken resolver it blocks its thread for 30 s or more. On the event
# loop's default executor (6 threads on 2 cores) a few such lookups held up every other
# lookup of the run, and the run's end (asyncio.run joins that executor's threads) until the
# last one returned. A request stops waiting for its lookup at the connect timeout; the
# thread ends when the system resolver gives up, and does not hold the process open.
DNS_THREADS = 32
_lookups: dict[tuple[str, int], Future[list[Any]]] = {}
_lookups_lock = threading.Lock()


def _start_lookup(host: str, port: int) -> Future[list[Any]] | None:
    """The lookup of `host` under way (or a new one); None while DNS_THREADS are busy."""
    key = (host, port)
    with _lookups_lock:
        future = _lookups.get(key)
        if future is not None:
            return future
        if len(_lookups) >= DNS_THREADS:
            return None
        future = _lookups[key] = Future()
        future.set_running_or_notify_cancel()  # a waiter giving up cannot cancel it

    def work() -> None:
        try:
            future.set_result(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except BaseException as exc:  # handed to the waiters
            future.set_exception(exc)
        finally:
            with _lookups_lock:
                _lookups.pop(key, None)

    threading.Thread(target=work, name="briefing-dns", daemon=True).start()
    return future


async def lookup(host: str, port: int, timeout: float | None) -> list[Any]:
    """socket.getaddrinfo(host, port) for a stream socket, given up after `timeout` seconds
    (httpcore.ConnectError, saying so); an IP address is returned as it is, without a thread."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 0, "", (host, port))]
    try:
        async with asyncio.timeout(timeout):
            while (future := _start_lookup(host, port)) is None:
                await asyncio.sleep(0.05)  # every lookup thread is busy
            return await asyncio.wrap_future(future)
    except TimeoutError:
        raise httpcore.ConnectError(
            f"host name lookup timed out after {timeout:g} s (DNS; offline, or the name server"
            " is not answering?)"
        ) from None
    except socket.gaierror as exc:
        # the message for whoever reads no further; connect_reason words the code behind it
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror}") from exc


def _addresses(infos: Iterable[Any]) -> list[tuple[str, Any]]:
    """(address, ipaddress object) per distinct address, in the resolver's order."""
    out: list[tuple[str, Any]] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        if all(text != seen for seen, _ in out):
            out.append((text, ipaddress.ip_address(text)))
    return out


async def resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """Every address `host` resolves to (a trusted host: no check)."""
    addresses = [text for text, _ip in _addresses(await lookup(host, port, timeout))]
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    return addresses


async def resolve_public(host: str, port: int, timeout: float | None = None) -> list[str]:
    """Every address `host` resolves to, if all of them are public; else BlockedAddress."""
    addresses = _addresses(await lookup(host, port, timeout))
    for _text, ip in addresses:
        if not is_public_ip(ip):
            raise BlockedAddress(f"{host} resolves to a non-public address ({ip})")
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    return [text for text, _ip in addresses]


# ----------------------------------------------------------------------------- decoding
class _Decoder:
    """Content-Encoding decoder that never produces more than `cap` bytes in total."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self.kind = encoding
        self._zlib: Any = None
        self._brotli: Any = None
        self._first = True
        if encoding == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding == "br":
            self._brotli = brotli.Decompressor()
        elif encoding not in ("identity", ""):
            raise FetchError(f"unsupported Content-Encoding {clean_line(encoding, 40)!r}")

    def _room(self) -> int:
        return self.cap - self.total + 1

    def _take(self, out: bytes) -> bytes:
        self.total += len(out)
        if self.total > self.cap:
            raise FetchError(f"response larger than {_size(self.cap)} (decoded); cut off")
        return out

    def feed(self, data: bytes) -> bytes:
        if self._zlib is not None:
            return self._feed_zlib(data)
        if self._brotli is not None:
            parts = [self._take(self._brotli.process(data, output_buffer_limit=self._room()))]
            while not self._brotli.can_accept_more_data():
                parts.append(
                    self._take(self._brotli.process(b"", output_buffer_limit=self._room()))
                )
            return b"".join(parts)
        return self._take(data)

    def _feed_zlib(self, data: bytes) -> bytes:
        parts = []
        try:
            while data:
                out = self._zlib.decompress(data, self._room())
                parts.append(self._take(out))
                data = self._zlib.unconsumed_tail
                if self._zlib.eof:
                    break
        except zlib.error as exc:
            if self.kind == "deflate" and self._first:  # raw deflate without the zlib header
                self._first = False
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._feed_zlib(data)
            raise FetchError(f"corrupt {self.kind} body: {exc}") from None
        self._first = False
        return b"".join(parts)

    def flush(self) -> bytes:
        if self._zlib is not None:
            return self._take(self._zlib.flush())
        return b""


def _size(n: int) -> str:
    if n % MiB == 0:
        return f"{n // MiB} MiB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    return f"{n} bytes"


# ----------------------------------------------------------------------------- politeness
def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date, relative to `now`; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=min(int(value), 10**9))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


MAX_RETRY_AFTER = timedelta(days=30)
MAX_BACKOFF = timedelta(days=7)


def retry_after_delay(retry_after: timedelta, interval: timedelta) -> timedelta:
    """A server's Retry-After clamped to [the feed's interval, 30 days]."""
    return min(max(retry_after, interval), MAX_RETRY_AFTER)


def backoff_delay(interval: timedelta, failures: int, jitter: float = 0.0) -> timedelta:
    """interval x 2^(failures-1), capped at 7 days; `jitter` in [-1, 1] scales it by +-10%."""
    exp = min(max(failures - 1, 0), 30)
    # (compared before multiplying: a day's interval x 2^30 is past timedelta's range)
    delay = MAX_BACKOFF if interval >= MAX_BACKOFF / 2**exp else interval * 2**exp
    return delay * (1.0 + 0.1 * max(-1.0, min(1.0, jitter)))


# ----------------------------------------------------------------------------- the client
class Fetcher:
    """One per run. `async with Fetcher(...) as f: await f.get(url, kind="feed")`."""

    def __init__(
        self,
        *,
        trusted_hosts: Iterable[str],
        concurrency: int = 32,
        per_host: int = 4,
        limits: Limits | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.limits = limits or Limits()
        self.backend = GuardedBackend(trusted_hosts)
        self.per_host = max(1, per_host)
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._timeout = httpx.Timeout(
            connect=self.limits.connect, read=self.limits.read, write=self.limits.read,
            pool=self.limits.total,
        )  # fmt: skip
        self._headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate, br"}
        self._ssl = httpx.create_ssl_context()  # loads the CA bundle once for all pools
        # One small client (connection pool) per host: httpcore scans every connection of a
        # pool on each request, so one big pool costs O(connections) per request; per-host
        # pools hold at most `per_host` connections. Our semaphores bound the total.
        self._clients: dict[str, httpx.AsyncClient] = {}

    def _client(self, host: str) -> httpx.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            transport = httpx.AsyncHTTPTransport(verify=self._ssl, trust_env=False, retries=0)
            # The pool httpx would build, with our guarded network backend.
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self.per_host + 2,
                max_keepalive_connections=self.per_host,
                keepalive_expiry=5.0,
                http1=True,
                http2=False,
                network_backend=self.backend,
            )
            client = self._clients[host] = httpx.AsyncClient(
                transport=transport, timeout=self._timeout, follow_redirects=False,
                trust_env=False, headers=self._headers,
            )  # fmt: skip
        return client

    @property
    def trusted_hosts(self) -> set[str]:
        return self.backend.trusted

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _host_sem(self, host: str) -> asyncio.Semaphore:
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return sem

    async def get(
        self, url: str, *, kind: str = "feed", headers: Mapping[str, str] | None = None,
        start_by: float | None = None, ready: Callable[[str], Awaitable[None]] | None = None,
    ) -> FetchResult:  # fmt: skip
        """GET `url`, following up to max_redirects redirects by hand. Returns any final status
        (the caller decides what 304/429/410 mean); raises FetchError for everything that is
        not an HTTP answer: network errors, limits, bad redirects, blocked addresses. With
        `start_by` (time.monotonic()), raises Deferred when no slot was free by then;
        `ready(hop_url)` is awaited once the host's slot is ours, before each hop's request
        starts."""
        cap = self.limits.feed_bytes if kind == "feed" else self.limits.page_bytes
        # seconds the hops so far held their slots: the total deadline bounds the request, not
        # its wait in this run's queue (a page waits for its host's slots and for room)
        spent = 0.0
        hops: list[str] = []
        permanent = True
        current = url
        method_headers = dict(headers or {})
        while True:
            check_scheme(current)
            remaining = self.limits.total - spent
            if remaining <= 0:
                raise FetchError(
                    f"no answer within {self.limits.total:g} s (total deadline)", transient=True
                )
            # `ready` before every hop: the first of a redirected page answers only "go there"
            result, took = await self._one(
                current, method_headers, cap, remaining, None if hops else start_by, ready
            )
            spent += took
            if result.status in REDIRECT_CODES and "location" in result.headers:
                if len(hops) >= self.limits.max_redirects:
                    raise FetchError(f"too many redirects (more than {self.limits.max_redirects})")
                target = urljoin(current, result.headers["location"].strip())
                hops.append(current)
                permanent = permanent and result.status in PERMANENT_REDIRECT_CODES
                if host_of(target) != host_of(current):
                    # Validators belong to the original resource only.
                    method_headers.pop("If-None-Match", None)
                    method_headers.pop("If-Modified-Since", None)
                current = target
                continue
            return FetchResult(
                url=current, status=result.status, headers=result.headers, body=result.body,
                redirects=tuple(hops), permanent=permanent and bool(hops),
            )  # fmt: skip

    async def _one(
        self, url: str, headers: Mapping[str, str], cap: int, remaining: float,
        start_by: float | None = None, ready: Callable[[str], Awaitable[None]] | None = None,
    ) -> tuple[FetchResult, float]:  # fmt: skip
        """One hop, once its slots are ours; returns it and the seconds since they were."""
        host = host_of(url)
        async with self._host_sem(host):
            if ready is not None:
                await ready(url)
            async with self._global:
                return await self._one_slot(url, headers, cap, remaining, start_by, host)

    async def _one_slot(
        self, url: str, headers: Mapping[str, str], cap: int, remaining: float,
        start_by: float | None, host: str,
    ) -> tuple[FetchResult, float]:  # fmt: skip
        start = time.monotonic()
        if start_by is not None and start > start_by:
            raise Deferred(url)
        try:
            async with asyncio.timeout(remaining):
                result = await self._stream(url, headers, cap)
            return result, time.monotonic() - start
        except TimeoutError:
            waited = time.monotonic() - start
            raise FetchError(
                f"no complete answer within {self.limits.total:g} s (total deadline;"
                f" gave up after {waited:.1f} s)",
                transient=True,
            ) from None
        except BlockedAddress as exc:
            raise FetchError(f"blocked: {exc}") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({_exc_name(exc)})", transient=True) from None
        except httpx.RemoteProtocolError as exc:
            raise FetchError(
                f"broken HTTP response: {clean_line(str(exc), 200)}", transient=True
            ) from None
        except httpx.ConnectError as exc:
            raise FetchError(
                f"cannot connect to {host}: {connect_reason(exc)}", transient=True
            ) from None
        except (httpx.ReadError, httpx.WriteError) as exc:
            # a reset or a dropped line mid-answer (a flaky mobile link, a server restart)
            detail = clean_line(_SSL_NOISE.sub("", str(exc)), 200)
            raise FetchError(
                f"the connection to {host} broke off mid-answer"
                + (f" ({detail})" if detail else ""),
                transient=True,
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(
                f"{_exc_name(exc)}: {clean_line(str(exc), 200) or 'request failed'}"
            ) from None
        except ssl.SSLError as exc:  # mid-answer (httpx wraps a handshake's: ConnectError)
            # a damaged TLS record (a flaky link, a middlebox): not the certificate's fault
            text = clean_line(_SSL_NOISE.sub("", str(exc)), 200) or exc.reason or "error"
            raise FetchError(
                f"the connection to {host} broke off mid-answer (TLS: {text})", transient=True
            ) from None
        except OSError as exc:
            raise FetchError(
                f"network error: {clean_line(str(exc), 200)}", transient=True
            ) from None

    async def _stream(self, url: str, headers: Mapping[str, str], cap: int) -> FetchResult:
        client = self._client(host_of(url))
        async with client.stream("GET", url, headers=_raw_headers(headers)) as resp:
            # Header values byte-for-byte (latin-1 maps every byte to one character), so an
            # ETag goes back to the server exactly as it came.
            hdrs = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in resp.headers.raw}
            if resp.status_code in REDIRECT_CODES or resp.status_code == 304:
                return FetchResult(url=url, status=resp.status_code, headers=hdrs)
            if resp.status_code >= 400:
                # Read a little of an error body (servers explain 429s there); never much.
                return FetchResult(url=url, status=resp.status_code, headers=hdrs)
            length = hdrs.get("content-length", "").strip()
            if length.isdigit() and int(length) > cap:
                raise FetchError(
                    f"response larger than {_size(cap)} (Content-Length {int(length)}); not read"
                )
            encoding = hdrs.get("content-encoding", "").strip().lower()
            decoder = _Decoder(encoding, cap)
            raw_total = 0
            parts: list[bytes] = []
            async for chunk in resp.aiter_raw():
                raw_total += len(chunk)
                if raw_total > cap:
                    raise FetchError(f"response larger than {_size(cap)}; cut off")
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
            return FetchResult(url=url, status=resp.status_code, headers=hdrs, body=b"".join(parts))


def _raw_headers(headers: Mapping[str, str]) -> dict[str, bytes]:
    out = {}
    for name, value in headers.items():
        try:
            out[name] = value.encode("latin-1")
        except UnicodeEncodeError:
            continue  # not something a server sent us; leave it out
    return out


def check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError(f"bad URL {clean_line(url, 200)!r}") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            f"refused to follow a {clean_line(parts.scheme, 20) or 'scheme-less'} URL"
            f" ({clean_line(url, 200)}); only http and https"
        )
    if not parts.hostname:
        raise FetchError(f"no host in URL {clean_line(url, 200)!r}")


# What a journalist on a bad line needs to read instead of "[Errno -2] Name or service not
# known": the socket layer's codes, in words. Codes not listed keep the system's wording.
_CONNECT_REASONS: dict[int, str] = {
    socket.EAI_NONAME: "host name not found (DNS; offline, or a typo in the URL?)",
    socket.EAI_AGAIN: "host name lookup failed for now (DNS; offline?)",
    getattr(socket, "EAI_NODATA", -5): "host name has no address (DNS)",
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ENETUNREACH: "network unreachable (offline?)",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}
_ERRNO = re.compile(r"\[Errno (-?\d+)\]")


def connect_reason(exc: BaseException) -> str:
    """Why a connection failed, in words: from the errno of the socket error behind it (httpx
    and anyio wrap it: "All connection attempts failed" from a group of one error per
    address tried, "[Errno -2] Name or service not known"), else the error's own text."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:  # the causes, and the members of a group (one per address tried)
        cur = todo.pop(0)
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return tls_reason(cur)
        code = getattr(cur, "errno", None)
        if not isinstance(code, int):
            m = _ERRNO.search(str(cur))
            code = int(m.group(1)) if m else None
        if code in _CONNECT_REASONS:
            return _CONNECT_REASONS[code]
        if isinstance(cur, BaseExceptionGroup):
            todo.extend(cur.exceptions)
        if (cause := cur.__cause__ or cur.__context__) is not None:
            todo.append(cause)
    return clean_line(str(exc), 200) or "refused"


# TLS failures other than the certificate's, in words; others keep OpenSSL's text.
_TLS_REASONS: dict[str, str] = {
    "WRONG_VERSION_NUMBER": "the server does not speak TLS there (plain HTTP on an https URL?)",
    "UNEXPECTED_EOF_WHILE_READING": "the server closed the connection during the TLS handshake",
}
_SSL_NOISE = re.compile(r"^\[SSL(?:: \w+)?\] *|\s*\(_ssl\.c:\d+\)$")


def tls_reason(exc: ssl.SSLError) -> str:
    """One line for a failed TLS handshake, naming the certificate problem when there is one
    ("TLS certificate rejected: self-signed certificate") instead of OpenSSL's
    "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ... (_ssl.c:1006)"."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        problem = (exc.verify_message or "").strip().rstrip(".")
        return f"TLS certificate rejected: {clean_line(problem, 200) or 'not trusted'}"
    reason = getattr(exc, "reason", None)  # set by the ssl module, not on every SSLError
    if reason in _TLS_REASONS:
        return _TLS_REASONS[reason]
    text = clean_line(_SSL_NOISE.sub("", str(exc)), 200)
    return f"TLS handshake failed: {text or reason or 'unknown error'}"


def _exc_name(exc: BaseException) -> str:
    return type(exc).__name__
