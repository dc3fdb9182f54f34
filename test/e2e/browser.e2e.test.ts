import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page, type Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Delivery, type StripeStandIn, startStripeStandIn } from "../../src/testing.js";
import { freePort, nextApp, type RunningApp } from "../support/next-app.js";
import { databaseServers, type ServedDatabase } from "./databases.js";

// Both examples' paid page (app/page.tsx, PaywallGate from tollgate/react) under `next start`, driven
// by Debian's headless Chromium through playwright-core: sign in with the demo auth stand-in, see the
// paywall, subscribe on the Stripe stand-in's checkout page, come back to "finalizing" and then the
// paid content, open the portal; and the error paths. Nothing leaves 127.0.0.1: Stripe's hosted-page
// URLs are answered with a redirect to the stand-in's local pages, and every other host is blocked.
// Screenshots of each state go to test/e2e/output/browser/<example>/ (gitignored).

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_browser";
const PRICE = "price_e2e_pro";
const PAID = "Your monthly report";
const OUTPUT = fileURLToPath(new URL("./output/browser/", import.meta.url));

const EXAMPLES = [
  { name: "nextjs-drizzle", migrate: "scripts/migrate.mjs" },
  { name: "nextjs-prisma", migrate: "scripts/setup-db.mjs" },
];
const noChromium = existsSync(CHROMIUM)
  ? undefined
  : `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;

describe.each(EXAMPLES)("examples/$name in Chromium: the paid page", ({ name, migrate }) => {
  if (noChromium) {
    console.warn(`[tollgate] browser end-to-end examples/${name} ${noChromium}`);
    it.skip(noChromium, () => {});
    return;
  }
  const dir = fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));
  const app = nextApp(dir, `browser end-to-end: examples/${name}`);
  if (app.skip) {
    it.skip(app.skip, () => {});
    return;
  }
  // PGlite: the browser flows are the same on any database; examples.e2e covers PostgreSQL.
  const database = databaseServers(dir + migrate).find((server) => server.name === "PGlite");
  const shots = join(OUTPUT, name);

  let db: ServedDatabase;
  let stripe: StripeStandIn;
  let delivery: Delivery;
  let running: RunningApp;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // NEXT_PUBLIC_APP_URL (the success and return URLs) is inlined at build time: build for the port it runs on.
    const port = await freePort();
    await app.build({ NEXT_PUBLIC_APP_URL: `http://127.0.0.1:${port}` });
    db = await database!.open(`tollgate_browser_${name.replace(/\W/g, "_")}`);
    stripe = await startStripeStandIn();
    running = await app.start(
      {
        DATABASE_URL: db.url,
        ...db.appEnv,
        STRIPE_SECRET_KEY: "sk_test_e2e",
        STRIPE_API_URL: stripe.url,
        STRIPE_PRICE_ID: PRICE,
        STRIPE_WEBHOOK_SECRET,
        CLERK_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        DEMO_AUTH: "header",
      },
      port,
    );
    // The webhook is late: held until the test flushes it.
    delivery = stripe.deliverTo({
      url: `${running.base}/api/webhooks/stripe`,
      secret: STRIPE_WEBHOOK_SECRET,
      paused: true,
    });
    profile = mkdtempSync(join(tmpdir(), "tollgate-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 760, height: 420 },
    });
    await context.route("**/*", (route) => localOnly(route, stripe));
  });
  afterAll(async () => {
    if (process.env.E2E_LOG) console.log(running?.log());
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    delivery?.stop();
    await running?.stop();
    await stripe?.close();
    await db?.close();
  });

  /** Signs in through the example's demo sign-in page, which then opens the paid page. */
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${running.base}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${running.base}/`);
  }
  const shot = (page: Page, file: string) => page.screenshot({ path: join(shots, file) });

  it("sign in → paywall → Subscribe → the stand-in's checkout → finalizing → the paid content → the portal", async () => {
    const page = await context.newPage();
    // Signed in through the demo auth stand-in; the first status answer is held to see the loading state.
    const heldStatus = await hold(page, "**/api/subscription/status*");
    await signIn(page, "ada@example.com");
    await expect.poll(() => heldStatus.count()).toBe(1);
    const loading = page.getByRole("status");
    expect(await loading.textContent()).toBe("Checking your subscription…");
    expect(await loading.getAttribute("aria-busy")).toBe("true");
    await shot(page, "01-loading.png");
    await heldStatus.release();

    const subscribe = page.getByRole("button", { name: "Subscribe" });
    await subscribe.waitFor();
    expect(await page.getByText(PAID).count()).toBe(0);
    await shot(page, "02-denied.png");

    await subscribe.click();
    await page.waitForURL(`${stripe.url}/checkout/**`);
    await shot(page, "03-checkout.png");

    // Pay: the stand-in completes the session and sends the browser to the success URL, with the
    // webhook still held back. The first status answer is held too, to see "finalizing".
    const heldReturn = await hold(page, "**/api/subscription/status*");
    await page.getByRole("button", { name: "Pay" }).click();
    await page.waitForURL(/\/dashboard\?session_id=cs_/);
    await expect.poll(() => heldReturn.count()).toBe(1);
    expect(heldReturn.urls()[0]).toMatch(/[?&]session_id=cs_/);
    expect(await page.getByRole("status").textContent()).toBe("Finalizing your subscription…");
    expect(await page.getByRole("button").count()).toBe(0);
    await shot(page, "04-finalizing.png");
    await heldReturn.release();

    // The webhook lands late; the gate's polling picks it up (or confirmCheckout already did).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await page.getByRole("button", { name: "Subscribe" }).count()).toBe(0);
    const attempts = await delivery.flush();
    expect(attempts.filter((attempt) => attempt.status !== 200)).toEqual([]);
    await page.getByText(PAID).waitFor({ timeout: 30_000 });
    await shot(page, "05-allowed.png");

    await page.getByRole("button", { name: "Manage billing" }).click();
    await page.waitForURL(`${stripe.url}/portal/**`);
    await shot(page, "06-portal.png");
    await page.getByRole("link", { name: "Return to the app" }).click();
    await page.waitForURL(`${running.base}/dashboard`);
    await page.getByText(PAID).waitFor();
    await page.close();
  });

  it("the status route down → its message and Retry (never the paid content); Retry asks again", async () => {
    const page = await context.newPage();
    await page.route("**/api/subscription/status*", (route) => route.abort("connectionrefused"));
    await signIn(page, "grace@example.com");
    const alert = gateAlert(page);
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Unable to connect to subscription service");
    expect(await alert.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await page.getByText(PAID).count()).toBe(0);
    await shot(page, "07-status-error.png");
    await page.unroute("**/api/subscription/status*");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByRole("button", { name: "Subscribe" }).waitFor();
    await page.close();
  });

  it("the checkout route answers 500 → the contract's message and Retry; Retry reaches checkout", async () => {
    const page = await context.newPage();
    await signIn(page, "linus@example.com");
    await page.route("**/api/checkout", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: "Internal error", code: "INTERNAL_ERROR", requestId: "e2e" }),
      }),
    );
    await page.getByRole("button", { name: "Subscribe" }).click();
    const alert = gateAlert(page);
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Unable to start checkout. Please try again.");
    expect(await alert.evaluate((element) => element === document.activeElement)).toBe(true);
    await shot(page, "08-checkout-error.png");
    await page.unroute("**/api/checkout");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.waitForURL(`${stripe.url}/checkout/**`);
    await page.close();
  });
});

/** The gate's alert (Next.js's route announcer is a `role="alert"` too). */
const gateAlert = (page: Page) => page.locator('[data-tollgate-state="error"]').getByRole("alert");

/** Lets the browser reach 127.0.0.1 only; Stripe's hosted pages redirect to the stand-in's local ones. */
function localOnly(route: Route, stripe: StripeStandIn): Promise<void> {
  const url = new URL(route.request().url());
  if (url.hostname === "127.0.0.1" || url.hostname === "localhost") return route.continue();
  if (url.protocol === "https:" && /^(checkout|billing)\.stripe\.com$/.test(url.hostname)) {
    return route.fulfill({ status: 302, headers: { location: stripe.localPageFor(url.href) } });
  }
  return route.abort("blockedbyclient");
}

/** Holds the page's requests matching `pattern` until `release()`, which lets them (and later ones) through. */
async function hold(page: Page, pattern: string) {
  const held: Route[] = [];
  let open = false;
  const handler = (route: Route) => (open ? route.continue() : void held.push(route));
  await page.route(pattern, handler);
  return {
    count: () => held.length,
    urls: () => held.map((route) => route.request().url()),
    async release() {
      open = true;
      await Promise.all(held.map((route) => route.continue()));
      await page.unroute(pattern, handler);
    },
  };
}
