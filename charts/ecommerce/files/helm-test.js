// `helm test`: the installation answers. GET $BASE_URL/api/health must answer 200, and
// GET $BASE_URL/api/v1/services/status 200 with every function of $EXPECT_UP "up" (its /health
// answers, so does its database). Functions scaled to zero start on the first status request,
// which gives each only 2 s: the checks are repeated until $DEADLINE_SECONDS have passed.
const base = process.env.BASE_URL;
const expected = (process.env.EXPECT_UP || '').split(',').filter(Boolean);
const deadline = Date.now() + Number(process.env.DEADLINE_SECONDS || 240) * 1000;

async function get(path) {
  const response = await fetch(base + path, { signal: AbortSignal.timeout(30000) });
  return { status: response.status, text: await response.text() };
}

async function problem() {
  const health = await get('/api/health');
  if (health.status !== 200) return `GET /api/health answered ${health.status}: ${health.text}`;
  const status = await get('/api/v1/services/status');
  if (status.status !== 200) return `GET /api/v1/services/status answered ${status.status}: ${status.text}`;
  const services = JSON.parse(status.text);
  const down = expected.filter((name) => !services.some((s) => s.name === name && s.status === 'up'));
  return down.length ? `not up: ${down.join(', ')}` : '';
}

(async () => {
  for (;;) {
    const found = await problem().catch((error) => `${base}: ${error.cause?.message ?? error.message}`);
    if (!found) {
      console.log(`${base}: /api/health 200; ${expected.length} functions up`);
      return;
    }
    if (Date.now() >= deadline) {
      console.error(found);
      process.exit(1);
    }
    console.log(`${found}; again in 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
})();
