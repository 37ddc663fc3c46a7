"""The tools layer's building blocks, with a fake clock: breaker, TTL cache, single flight,
pull progress across layers."""

import asyncio

import pytest

from ollama_ls.facade.breaker import BreakerState, CircuitBreaker
from ollama_ls.facade.pull_tracker import PullTracker, format_bytes
from ollama_ls.facade.single_flight import SingleFlight
from ollama_ls.facade.ttl_cache import TtlCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_half_opens_after_cool_down():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down_seconds=10, clock=clock)
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allows_request()
    clock.now += 10
    assert breaker.state is BreakerState.HALF_OPEN and breaker.allows_request()
    breaker.record_failure()  # the trial request failed: open again at once
    assert breaker.state is BreakerState.OPEN
    clock.now += 10
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.consecutive_failures == 0


def test_ttl_cache_expires_and_invalidates():
    clock = FakeClock()
    cache = TtlCache(60, clock)
    cache.put(("a", "m1"), 1)
    cache.put(("b", "m2"), 2)
    clock.now += 59
    assert cache.get(("a", "m1")) == 1
    cache.invalidate(lambda key: key[0] == "a")
    assert ("a", "m1") not in cache and cache.get(("b", "m2")) == 2
    clock.now += 1
    assert cache.get(("b", "m2")) is None
    cache.put("x", 0)
    cache.clear()
    assert "x" not in cache


async def test_single_flight_shares_one_call_and_survives_a_cancelled_caller():
    flight = SingleFlight()
    calls = 0
    release = asyncio.Event()

    async def slow() -> str:
        nonlocal calls
        calls += 1
        await release.wait()
        return "result"

    waiters = [asyncio.create_task(flight.do("k", slow)) for _ in range(50)]
    await asyncio.sleep(0)
    waiters[0].cancel()
    release.set()
    results = await asyncio.gather(*waiters[1:])
    assert calls == 1 and set(results) == {"result"}
    assert not flight.in_flight("k")


async def test_single_flight_propagates_errors_to_every_caller():
    flight = SingleFlight()

    async def broken() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("boom")

    results = await asyncio.gather(
        *(flight.do("k", broken) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(result, RuntimeError) for result in results)


async def test_single_flight_failure_with_every_caller_cancelled_is_not_left_unread():
    import gc

    flight = SingleFlight()
    release = asyncio.Event()
    unread: list[dict] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: unread.append(context))

    async def broken() -> None:
        await release.wait()
        raise RuntimeError("server gone")

    caller = asyncio.create_task(flight.do("k", broken))
    await asyncio.sleep(0)
    caller.cancel()
    await asyncio.sleep(0)
    release.set()
    for _ in range(5):
        await asyncio.sleep(0)
    del caller
    gc.collect()  # an unread task exception is reported when the task is collected
    await asyncio.sleep(0)
    loop.set_exception_handler(None)
    assert not flight.in_flight("k")
    assert [c for c in unread if "never retrieved" in c.get("message", "")] == []


def test_pull_tracker_never_goes_back_when_layers_are_announced():
    clock = FakeClock()
    tracker = PullTracker(clock=clock)
    tracker.update("pulling manifest", None, None, None)
    assert tracker.percentage == 0 and tracker.message() == "pulling manifest"
    tracker.update("pulling aaa", "sha256:aaa", 100, 100)
    assert tracker.percentage == 100
    # A second, larger layer appears: the naive ratio would fall to 10%.
    tracker.update("pulling bbb", "sha256:bbb", 900, None)
    assert tracker.percentage == 100
    tracker.update("pulling bbb", "sha256:bbb", 900, 450)
    clock.now += 1
    assert tracker.completed == 550 and tracker.total == 1000
    assert tracker.bytes_per_second == pytest.approx(550)
    assert "550 B / 1.0 KB" in tracker.message()
    tracker.update("success", None, None, None)
    assert tracker.percentage == 100 and tracker.message() == "success"


def test_pull_tracker_ignores_a_layer_going_backwards():
    tracker = PullTracker(clock=FakeClock())
    tracker.update("pulling a", "sha256:a", 1000, 600)
    tracker.update("pulling a", "sha256:a", 1000, 300)
    assert tracker.completed == 600 and tracker.percentage == 60


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 KB"), (2_500_000, "2.5 MB"), (4.1e9, "4.1 GB")],
)
def test_format_bytes(count, text):
    assert format_bytes(count) == text
