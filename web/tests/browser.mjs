// The browser game end to end, as a player meets it: Debian's Chromium (headless, WebGL2 on
// SwiftShader, no GPU) loads the page from a real `horizon serve`, waits for the valley,
// checks the picture (sky, land, the car), drives with W, lets the autopilot mine a
// deposit, reloads and finds the stone still there, exports the ledger the browser wrote
// and has `horizon ledger verify` check it, then joins the server's shared valley from the
// page's offer, mines there, finds the mint on the server, and goes back to its own valley.
// Any console error or uncaught exception fails the test. Usage: node web/tests/browser.mjs HORIZON_BINARY [SCREENSHOT_DIR]
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const horizon = process.argv[2];
if (!horizon) throw new Error('usage: node web/tests/browser.mjs HORIZON_BINARY [SCREENSHOT_DIR]');
const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = process.argv[3] ?? join(tmpdir(), 'horizon-browser-test');
mkdirSync(shots, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'horizon-browser-'));
// SwiftShader shades every pixel on the CPU: the page is laid out at 640×360 and drawn at
// half its pixels each way (a device pixel ratio of 0.5), so that it draws a few frames a
// second.
const VIEW = { width: 640, height: 360 };
const PIXEL_RATIO = 0.5;
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const log = (...a) => console.log(`[${seconds()} s]`, ...a);
const figures = {};

// A real server, on a port the system picks; it serves web/dist at /.
const server = spawn(horizon, ['--data-dir', join(work, 'server'), 'serve', '--addr', '127.0.0.1:0', '--trust-demo-maker', '--web', join(web, 'dist')], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`horizon serve exited (${code}) before listening`)));
});
log('server at', base);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu-watchdog', '--autoplay-policy=user-gesture-required'],
});
const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: PIXEL_RATIO });
const page = await context.newPage();
const errors = [];
page.on('console', (m) => {
  if (m.type() === 'error') errors.push(m.text());
  if (/panicked|could not|error/i.test(m.text())) log(`console ${m.type()}:`, m.text().slice(0, 300));
});
page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));

let failed = false;
try {
  await run();
  log('passed');
} catch (e) {
  failed = true;
  console.error(`FAILED after ${seconds()} s: ${e.stack ?? e}`);
  await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
  console.error(`the page's last picture: ${join(shots, 'failure.png')}`);
} finally {
  console.log('figures:', JSON.stringify(figures));
  await browser.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function check(ok, what) {
  if (!ok) throw new Error(what);
}

function noErrors(when) {
  check(errors.length === 0, `console errors ${when}:\n  ${errors.join('\n  ')}`);
}

async function status() {
  return page.evaluate(() => ({ ...document.querySelector('#game-status').dataset, text: document.querySelector('#game-status').textContent, failure: document.querySelector('#failure').textContent }));
}

async function waitFor(what, test, timeoutS) {
  const until = Date.now() + timeoutS * 1000;
  for (;;) {
    const s = await status();
    check(!s.failure, `the page says: ${s.failure}`);
    noErrors(`while waiting for ${what}`);
    if (test(s)) return s;
    check(Date.now() < until, `no ${what} after ${timeoutS} s; the page's status: ${JSON.stringify(s)}`);
    await page.waitForTimeout(250);
  }
}

async function framesPerSecond(overS) {
  return page.evaluate((ms) => new Promise((resolve) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = () => { frames++; if (performance.now() - t0 < ms) requestAnimationFrame(tick); else resolve((frames * 1000) / (performance.now() - t0)); };
    requestAnimationFrame(tick);
  }), overS * 1000);
}

// What the picture shows, region by region (fractions of the width and height): the share
// of sky-blue, green-or-brown land, and car-paint pixels, decoded by the browser itself.
async function picture(name) {
  const png = await page.screenshot({ path: join(shots, `${name}.png`), scale: 'css' });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const { data, width, height } = g.getImageData(0, 0, img.width, img.height);
    const region = (x0, y0, x1, y1) => {
      let sky = 0, land = 0, paint = 0, n = 0;
      for (let y = Math.floor(y0 * height); y < y1 * height; y++) for (let x = Math.floor(x0 * width); x < x1 * width; x++) {
        const i = 4 * (y * width + x), r = data[i], gr = data[i + 1], b = data[i + 2];
        n++;
        // Sky blue after tonemapping, also where it shows through the HUD's translucent panels.
        if (b > 110 && b > r + 25 && b > gr + 5) sky++;
        if (gr >= b && gr > 60) land++;
        if (b > 90 && b > r + 60 && b > gr + 25 && r < 90) paint++;
      }
      return { sky: sky / n, land: land / n, paint: paint / n };
    };
    return { top: region(0, 0, 1, 0.12), bottom: region(0, 0.85, 1, 1), car: region(0.38, 0.45, 0.62, 0.85), bytes: data.length };
  }, png.toString('base64'));
}

async function run() {
  const navigated = Date.now();
  await page.goto(`${base}/`);
  const loaded = await waitFor('title screen', (s) => s.screen === 'title', 240);
  figures.first_valley_frame_s = (Date.now() - navigated) / 1000;
  log('title after', figures.first_valley_frame_s, 's:', loaded.text);
  check(Number(loaded.deposits) > 0, `a first run has the sample car's deposits waiting; status ${JSON.stringify(loaded)}`);
  const title = await picture('title');
  check(title.top.sky > 0.6, `the sky above the title: ${JSON.stringify(title.top)}`);

  await page.locator('#game').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Enter');
  await waitFor('the valley', (s) => s.screen === 'valley' && s.car, 120);
  await page.waitForTimeout(3000);
  figures.fps_swiftshader = Number((await framesPerSecond(5)).toFixed(2));
  log('frames per second in the valley:', figures.fps_swiftshader);
  const valley = await picture('valley');
  log('valley picture', JSON.stringify(valley));
  check(valley.top.sky > 0.5, `sky at the top of the valley view: ${JSON.stringify(valley.top)}`);
  check(valley.bottom.land > 0.5, `land at the bottom of the valley view: ${JSON.stringify(valley.bottom)}`);
  check(valley.car.paint > 0.01, `the car's blue paint in the middle of the view: ${JSON.stringify(valley.car)}`);

  const before = (await status()).car.split(',').map(Number);
  await page.keyboard.down('KeyW');
  const moved = await waitFor('the car moving under W', (s) => {
    const at = s.car.split(',').map(Number);
    return Math.hypot(at[0] - before[0], at[2] - before[2]) > 3;
  }, 180);
  await page.keyboard.up('KeyW');
  log('W moved the car from', before.join(','), 'to', moved.car);
  const driven = await picture('driven');
  check(driven.bottom.land > 0.4, `land under the car after driving: ${JSON.stringify(driven.bottom)}`);

  // The autopilot drives the level's first route and mines the deposits beside it.
  const stonesBefore = Number(moved.stonesMilli);
  await page.goto(`${base}/?autopilot`);
  await waitFor('title screen (autopilot)', (s) => s.screen === 'title', 240);
  await page.locator('#game').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Enter');
  const mined = await waitFor('a mined deposit', (s) => Number(s.stonesMilli) > stonesBefore, 1800);
  log('the autopilot mined:', mined.text);
  await picture('mined');

  await page.reload();
  const reloaded = await waitFor('title screen after reload', (s) => s.screen === 'title', 240);
  // The autopilot may mine more between the check and the reload, never less.
  check(Number(reloaded.stonesMilli) >= Number(mined.stonesMilli),
    `the mined stone is still there after a reload: ${reloaded.stonesMilli} milli-stones, ${mined.stonesMilli} before it`);
  log('after reload:', reloaded.text);

  // The ledger the browser wrote, out of its storage, checked by the native verifier.
  const files = await page.evaluate(() => {
    const out = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key.startsWith('horizon-file:/crypto-horizon/ledger/')) continue;
      const path = key.slice('horizon-file:'.length);
      const len = Number(localStorage.getItem(key));
      let b64 = [];
      for (let n = 0; n * 49152 < len; n++) b64.push(localStorage.getItem(`horizon-chunk:${n}:${path}`));
      out[path.slice('/crypto-horizon/ledger/'.length)] = { len, chunks: b64 };
    }
    return out;
  });
  const ledger = join(work, 'exported-ledger');
  mkdirSync(ledger);
  for (const [name, { len, chunks }] of Object.entries(files)) {
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c, 'base64'))).subarray(0, len);
    writeFileSync(join(ledger, name), bytes);
  }
  check(Object.keys(files).length >= 2, `the browser's ledger files: ${Object.keys(files).join(', ')}`);
  const verified = execFileSync(horizon, ['ledger', 'verify', ledger], { encoding: 'utf8' });
  log('horizon ledger verify:', verified.trim().split('\n').slice(-2).join(' / '));

  // The page came from a valley server: it offers to join that valley (same origin).
  const local = reloaded;
  const offer = page.locator('#valley-button');
  await offer.waitFor({ state: 'visible', timeout: 60000 });
  check((await offer.textContent()).includes('Join'), `the page offers to join: ${await offer.textContent()}`);
  const clicked = Date.now();
  await offer.click();
  const joined = await waitFor('the shared valley', (s) => s.screen === 'title' && s.server === base, 240);
  log('joined:', joined.text, 'ledger', joined.ledgerOrigin, joined.ledgerSize);
  check(joined.ledgerOrigin !== local.ledgerOrigin, `a shared valley has the server's ledger, not the browser's: ${joined.ledgerOrigin}`);
  check(joined.player === local.player, 'the same player key joins');
  check(Number(joined.deposits) > 0 && Number(joined.stonesMilli) === 0, `the joined player's sample car dropped stones to mine there: ${JSON.stringify(joined)}`);
  figures.join_s = (Date.now() - clicked) / 1000;

  // It remembers the server: the autopilot mines in the shared valley.
  await page.goto(`${base}/?autopilot`);
  await waitFor('the shared valley (autopilot)', (s) => s.screen === 'title' && s.server === base, 240);
  await page.locator('#game').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Enter');
  const minedThere = await waitFor('a deposit mined in the shared valley', (s) => Number(s.stonesMilli) > 0, 1800);
  log('mined in the shared valley:', minedThere.text);
  const onServer = await (await fetch(`${base}/v1/player/${joined.player}`)).json();
  log('the server has the player as', JSON.stringify(onServer));
  check(onServer.stones_milli >= Number(minedThere.stonesMilli) && onServer.stones_milli > 0,
    `the server's ledger has the mint: ${onServer.stones_milli} milli-stones, the page showed ${minedThere.stonesMilli}`);
  check(onServer.vehicle && onServer.vehicle.startsWith('DEMO-'), `the player brought a sample car of its own: ${onServer.vehicle}`);
  await picture('shared-valley');

  // And back to the browser's own valley, as it was.
  await page.goto(`${base}/`);
  const back = page.locator('#valley-button');
  await back.waitFor({ state: 'visible', timeout: 240000 });
  check((await back.textContent()).includes('this device'), `the page offers to leave: ${await back.textContent()}`);
  await back.click();
  const home = await waitFor('the browser\'s own valley', (s) => s.screen === 'title' && !s.server, 240);
  check(home.ledgerOrigin === local.ledgerOrigin && Number(home.stonesMilli) >= Number(local.stonesMilli),
    `the browser's own valley is as it was: ${JSON.stringify(home)}`);
  noErrors('at the end');
}
