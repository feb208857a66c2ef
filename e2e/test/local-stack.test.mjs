// deploy/local/services.sh itself: a service it starts is waited for until it is ready, however long the shell
// takes to get its JVM going. A `find` that answers after three seconds (on PATH before the real one) stands in
// for a loaded machine: the script works out a service's JVM options with it (the build's archive name), and a
// start that did so in the forked shell, before exec'ing the JVM, was once reported as "exited during start"
// while it was still on its way.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killService, replicaPid, services, servicesControllable } from '../support/services.mjs';

const shims = mkdtempSync(join(tmpdir(), 'pj-slow-find-'));
after(() => rmSync(shims, { recursive: true, force: true }));

test('services.sh start waits for a service whose start is slow to reach its JVM', { skip: !servicesControllable && 'needs PJ_STATE_DIR', timeout: 180_000 }, async () => {
  const realFind = ['/usr/bin/find', '/bin/find'].find((path) => existsSync(path));
  writeFileSync(join(shims, 'find'), `#!/bin/sh\nsleep 3\nexec ${realFind} "$@"\n`, { mode: 0o755 });
  const killed = replicaPid('provider-simulator');
  assert.ok(await killService('provider-simulator'), 'the simulator is gone');

  const output = await services(['start'], { PATH: `${shims}:${process.env.PATH}` });

  assert.match(output, /starting provider-simulator/);
  assert.match(output, /provider-simulator ready/);
  const started = replicaPid('provider-simulator');
  assert.notEqual(started, killed, 'a new simulator process');
  process.kill(started, 0); // it runs
});
