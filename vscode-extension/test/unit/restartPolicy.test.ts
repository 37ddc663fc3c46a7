import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy, shouldRestartAfterCrash } from '../../src/restartPolicy';

test('restart after a crash unless it crashed 3 times in 3 minutes', () => {
    const now = 1_000_000;
    assert.equal(shouldRestartAfterCrash([], now), true);
    assert.equal(shouldRestartAfterCrash([now - 10_000, now - 5_000], now), true);
    assert.equal(shouldRestartAfterCrash([now - 20_000, now - 10_000, now - 5_000], now), false);
    assert.equal(shouldRestartAfterCrash([now - 400_000, now - 300_000, now - 200_000], now), true);
});

test('the policy remembers crashes: the fourth in 3 minutes is not restarted, a later one is', () => {
    const policy = new RestartPolicy();
    const t0 = 5_000_000;
    assert.equal(policy.crashed(t0), true);
    assert.equal(policy.crashed(t0 + 10_000), true);
    assert.equal(policy.crashed(t0 + 20_000), true);
    assert.equal(policy.crashed(t0 + 30_000), false);
    assert.equal(policy.crashed(t0 + 600_000), true, 'the old crashes no longer count');
});
