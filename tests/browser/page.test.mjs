// page.test.mjs — the departments' page in a real browser: Debian's chromium
// driven by playwright-core (node --test). Upload by the picker and by a drop,
// each verdict (ready, not ready, the check could not be made), a line link,
// keyboard-only use, focus on the verdict, delivery with the right and the
// wrong department. Screenshots go to $SCREENSHOTS (default build/screenshots)
// to be looked at.
//
// Run: node --test page.test.mjs   with STATUSNOTAT_BIN, FIXTURES, CONFIG set
// (tests/CMakeLists.txt does; scripts/install-deps.sh --browser installs it all).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const BIN = process.env.STATUSNOTAT_BIN;
const FIXTURES = process.env.FIXTURES;
const CONFIG = process.env.CONFIG;
const SHOTS = process.env.SCREENSHOTS || 'screenshots';
const root = mkdtempSync(join(tmpdir(), 'statusnotat-browser-'));
const inbox = join(root, 'inbox');
const accounts = join(root, 'accounts');
let server, port, browser, tokens = {};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer() {
  port = await freePort();
  server = spawn(BIN, ['serve', '--config', CONFIG, '--listen', `127.0.0.1:${port}`, '--inbox', inbox,
    '--accounts', accounts, '--audit', join(root, 'audit.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => (String(d).includes('lytter') ? resolve() : reject(new Error(String(d)))));
    server.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

before(async () => {
  mkdirSync(inbox);
  mkdirSync(SHOTS, { recursive: true });
  for (const code of ['SOF', 'BUF']) {
    const out = execFileSync(BIN, ['serve', '--config', CONFIG, '--accounts', accounts, '--add-account', code]);
    tokens[code] = String(out).trim().split('\n').pop();
  }
  await startServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

async function page() {
  const p = await browser.newPage();
  await p.goto(`http://127.0.0.1:${port}/`);
  return p;
}

test('upload by the picker: both verdicts, focus on the first, a line link', async () => {
  const p = await page();
  await p.setInputFiles('#filer', [join(FIXTURES, 'SOF-2008-H2.xml'), join(FIXTURES, 'bad-ambiguous-amount.xml')]);
  await p.waitForSelector('#resultater .dom');
  const verdicts = await p.$$eval('#resultater .dom', (els) => els.map((e) => e.textContent));
  assert.ok(verdicts.some((v) => v.includes('SOF-2008-H2.xml: Klar til aflevering')), verdicts.join(' | '));
  assert.ok(verdicts.some((v) => v.includes('bad-ambiguous-amount.xml: Ikke klar')), verdicts.join(' | '));
  const focused = await p.evaluate(() => document.activeElement && document.activeElement.className);
  assert.match(focused, /dom/, 'focus moves to the verdict');
  assert.equal(await p.getAttribute('#resultater', 'aria-live'), 'polite');
  const link = p.locator('#resultater a[href*="-l"]').first();
  const target = (await link.getAttribute('href')).slice(1);
  await link.click();
  assert.equal(await p.evaluate(() => location.hash.slice(1)), target);
  assert.ok(await p.locator(`[id="${target}"]`).isVisible(), 'the line is shown');
  await p.screenshot({ path: join(SHOTS, 'picker.png'), fullPage: true });
  await p.close();
});

test('a drop on the zone checks the file', async () => {
  const p = await page();
  // The bytes as they are (the fixture is ISO-8859-1): carried as base64.
  const bytes = readFileSync(join(FIXTURES, 'BUF-2008-H2.xml')).toString('base64');
  await p.evaluate((b64) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], 'BUF-2008-H2.xml', { type: 'application/xml' }));
    const zone = document.getElementById('slip');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await p.waitForSelector('#resultater .dom');
  assert.match(await p.textContent('#resultater .dom'), /BUF-2008-H2.xml: Klar til aflevering/);
  // Declared ISO-8859-1: its source is shown in its own characters.
  assert.match(await p.textContent('#resultater .kilde'), /Børne- og Ungdomsforvaltningen/);
  await p.screenshot({ path: join(SHOTS, 'drop.png'), fullPage: true });
  await p.close();
});

test('keyboard only: every control is reached with Tab, labelled, and the form works', async () => {
  const p = await page();
  const reached = [];
  for (let i = 0; i < 12; i++) {
    await p.keyboard.press('Tab');
    reached.push(await p.evaluate(() => {
      const e = document.activeElement;
      const label = e.id ? document.querySelector(`label[for="${e.id}"]`) : null;
      return `${e.tagName}#${e.id || ''}:${label ? 'labelled' : e.tagName === 'BUTTON' || e.tagName === 'A' ? 'text' : 'unlabelled'}`;
    }));
  }
  for (const id of ['filer', 'kode', 'token', 'afleveringsfil'])
    assert.ok(reached.some((r) => r.startsWith(`INPUT#${id}:labelled`)), `#${id} reached and labelled: ${reached}`);
  assert.ok(!reached.some((r) => r.endsWith('unlabelled') && !r.startsWith('BODY')), reached.join(' '));
  await p.focus('#filer');
  await p.setInputFiles('#filer', join(FIXTURES, 'OEKF-2008-H2.xml'));
  await p.waitForSelector('#resultater .dom');
  assert.match(await p.textContent('#resultater .dom'), /Klar til aflevering/);
  await p.close();
});

test('delivery: the right department gets a receipt, the wrong one is refused', async () => {
  const p = await page();
  await p.fill('#kode', 'SOF');
  await p.fill('#token', tokens.SOF);
  await p.setInputFiles('#afleveringsfil', join(FIXTURES, 'SOF-2008-H2.xml'));
  await Promise.all([p.waitForNavigation(), p.click('#aflever button')]);
  assert.match(await p.textContent('.dom'), /Afleveret/);
  assert.match(await p.textContent('dl'), /SOF-2008-H2-/);
  assert.match(await p.textContent('main'), /Forvaltningens afleveringer/);
  assert.ok(readdirSync(inbox).some((n) => n.startsWith('SOF-2008-H2-')));
  await p.screenshot({ path: join(SHOTS, 'receipt.png'), fullPage: true });
  await p.goto(`http://127.0.0.1:${port}/`);
  await p.fill('#kode', 'SOF');
  await p.fill('#token', tokens.SOF);
  await p.setInputFiles('#afleveringsfil', join(FIXTURES, 'BUF-2008-H2.xml'));
  await Promise.all([p.waitForNavigation(), p.click('#aflever button')]);
  assert.match(await p.textContent('.dom'), /Ikke afleveret/);
  assert.match(await p.textContent('main'), /dokumentet er fra BUF, men kontoen er SOF/);
  await p.screenshot({ path: join(SHOTS, 'wrong-department.png'), fullPage: true });
  await p.close();
});

test('when the check cannot be made, the page never shows a pass', async () => {
  const p = await page();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await p.setInputFiles('#filer', join(FIXTURES, 'SOF-2008-H2.xml'));
  await p.waitForSelector('#resultater .dom');
  assert.match(await p.textContent('#resultater .dom'), /Tjekket kunne ikke gennemføres/);
  await p.screenshot({ path: join(SHOTS, 'check-failed.png'), fullPage: true });
  await p.close();
  await startServer();
});
