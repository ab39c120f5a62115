import { describe, expect, it } from 'vitest';
import { signingKeySource } from '../../../shared/adapters/signing-secret.ts';
import { parseKeyRing, rotateKeyRing, serializeKeyRing } from '../../../shared/links/key-ring.ts';

const FIRST = 'the-first-signing-key-of-at-least-32-characters';
const SECOND = 'the-second-signing-key-of-at-least-32-characters';

/** A secret whose value the test changes, counting reads, and a clock the test moves. */
function fixture() {
  const state = { value: FIRST, reads: 0, failing: false, now: 1_000_000 };
  const read = async () => {
    state.reads += 1;
    if (state.failing) throw new Error('ServiceUnavailable');
    return state.value;
  };
  return { state, source: signingKeySource({ maxAgeSeconds: 300, minRefreshSeconds: 10, read, now: () => state.now }) };
}

const newest = async (source: ReturnType<typeof fixture>['source']) => (await source.ring()).versions.at(-1)?.version;

describe('signingKeySource', () => {
  it('reads the secret once per maximum age, and sees a rotation within it', async () => {
    const { state, source } = fixture();
    await Promise.all([source.ring(), source.ring(), source.ring()]);
    expect(state.reads).toBe(1);
    state.value = serializeKeyRing(rotateKeyRing(parseKeyRing(FIRST), { secret: SECOND, now: new Date() }));
    state.now += 299_000;
    expect(await newest(source)).toBe(1);
    state.now += 1_000;
    expect(await newest(source)).toBe(2);
    expect(state.reads).toBe(2);
  });

  it('reads again at once for a newer version, also just after a read, and at most once per interval', async () => {
    const { state, source } = fixture();
    await source.ring();
    state.value = serializeKeyRing(rotateKeyRing(parseKeyRing(FIRST), { secret: SECOND, now: new Date() }));
    state.now += 100;
    expect((await source.refresh?.())?.versions.at(-1)?.version).toBe(2);
    expect(state.reads).toBe(2);
    // Forged versions: one read per interval, however many links name them.
    for (let i = 0; i < 20; i++) await source.refresh?.();
    expect(state.reads).toBe(2);
    state.now += 10_000;
    await source.refresh?.();
    expect(state.reads).toBe(3);
  });

  it('a failed first read fails and is tried again; a failed later read keeps the ring it had', async () => {
    const { state, source } = fixture();
    state.failing = true;
    await expect(source.ring()).rejects.toThrow(/ServiceUnavailable/);
    state.failing = false;
    expect(await newest(source)).toBe(1);
    state.failing = true;
    state.now += 301_000;
    expect(await newest(source)).toBe(1);
    // Not at every request while the service is down: after a pause.
    const reads = state.reads;
    await source.ring();
    expect(state.reads).toBe(reads);
    state.now += 30_000;
    await source.ring();
    expect(state.reads).toBe(reads + 1);
  });
});
