import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  completeApproval,
  MemoryTrustStore,
  requestDevice,
  SecureSession,
  type MinutesDocument,
} from '../../client/sdk/index.js';
import { dumpDatabase, markerForms } from '../support/secure.js';
import type { Person as Account } from '../support/world.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import type { Person } from './support/person.js';
import { screenshot, SCREENS_DIR } from './support/screenshot.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, PASSPHRASE, setUpFirstBrowser, signIn } from './support/web-app.js';

/** What people type into the meeting screens: none of it may reach the server in clear (checked at the end). */
const TYPED = [
  'North locality',
  'Room 2, Town Hall',
  'School attendance',
  'Everyone introduced themselves.',
  'up from 75%',
  'breakfast club',
  'Visit the family with the school nurse',
  'Visit booked with the school nurse',
  'Send the referral',
  'The date was missed at the meeting',
  'Sam talked about school',
  'We want help with mornings',
];

/** A day as `YYYY-MM-DD` in London, where the browsers are, `days` from now. */
const londonDay = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

/**
 * The meeting screens and My actions in Chromium, against a real server with the built web client: a
 * chair schedules a meeting, writes the minutes (through a conflict with another of their devices),
 * closes and signs them, and the signed minutes are checked in the page (and a tampered signature is a
 * warning); the action owner records progress on their actions, overdue first. Every screen passes axe
 * and runs under the page's own policy (no CSP violation or uncaught error: useBrowser checks).
 */
describeBrowser('meetings and actions in the web client', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let chair: Account;
  let owner: Account;
  let chairBrowser: Person;
  let ownerBrowser: Person;
  /** The chair's other device (a script here), approved from their browser. */
  let chairScript: SecureSession;
  let channelId: string;
  let meetingId: string;

  beforeAll(async () => {
    server = await startBrowserServer();
    await server.world.agreement();
    const earlyHelp = await server.world.agency('Northshire Early Help');
    const police = await server.world.agency('Northshire Police', { sector: 'police' });
    chair = await server.world.person(earlyHelp, 'practitioner', 'grace');
    owner = await server.world.person(police, 'practitioner', 'alys');
  });
  afterAll(async () => {
    chairScript?.close();
    await server?.close();
  });

  /** Signs in and sets up this browser as the person's first device (the harness's own steps). */
  async function setUp(p: Person, who: Account): Promise<void> {
    await signIn(p.page, server.url('/'), who);
    await setUpFirstBrowser(p.page);
  }

  const text = (page: Page, t: string | RegExp) => page.getByText(t).first().waitFor();

  /**
   * The harness's check of a screen (axe, plain words, screenshots at 1280 and 320 px), and at 320 px
   * nothing scrolls sideways (WCAG 1.4.10, reflow).
   */
  async function look(page: Page, name: string): Promise<void> {
    await checkScreen(page, name);
    const before = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: before.height });
    try {
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(320);
    } finally {
      await page.setViewportSize(before);
    }
  }

  it('both people set up their browsers; the chair approves a second device of theirs by its code', async () => {
    chairBrowser = await chromium.person('chair');
    ownerBrowser = await chromium.person('owner');
    await Promise.all([setUp(chairBrowser, chair), setUp(ownerBrowser, owner)]);

    const waiting = await requestDevice(chair.client, 'meeting script');
    const { page } = chairBrowser;
    await page.getByRole('link', { name: 'Your devices' }).click();
    await page.getByLabel('Code shown on the new device').fill(waiting.code);
    await page.getByRole('button', { name: 'Approve device' }).click();
    await text(page, 'Approved “meeting script”');
    const approved = await completeApproval(chair.client, waiting.stored);
    expect(approved).not.toBeNull();
    chairScript = new SecureSession(chair.client, approved!, new MemoryTrustStore());
    channelId = await chairScript.createChannel({
      kind: 'locality_meeting',
      title: 'North locality',
      members: [{ userId: owner.id }],
    });
  });

  it('the chair schedules a meeting: time, place and agenda, the other member invited', async () => {
    const { page } = chairBrowser;
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Meetings' }).waitFor();
    await text(page, 'None.');
    await look(page, 'meetings-empty');
    await page.getByRole('link', { name: 'Schedule a meeting' }).click();
    await page.getByRole('heading', { level: 1, name: 'Schedule a meeting' }).waitFor();
    // The only conversation the chair chairs is chosen for them; its members load.
    await page.getByRole('checkbox', { name: /alys person/ }).waitFor();
    await expect(page.getByRole('checkbox', { name: /alys person/ }).isChecked()).resolves.toBe(true);
    // A time in the past is taken for a slip unless the chair says the meeting already happened.
    await page.getByLabel('Date and time').fill('2020-06-03T10:00');
    await page.getByRole('button', { name: 'Schedule meeting' }).click();
    await text(page, 'That time is in the past');
    await expect(page.getByLabel('Date and time').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Date and time').fill('2030-06-03T10:00');
    await page.getByLabel('It already happened: I am recording it afterwards').check();
    await page.getByRole('button', { name: 'Schedule meeting' }).click();
    await text(page, 'is still to come: untick');
    await page.getByLabel('It already happened: I am recording it afterwards').uncheck();
    await page.getByLabel('Place or video link (optional)').fill('Room 2, Town Hall');
    await page.getByLabel('Agenda item 1').fill('Introductions');
    await page.getByRole('button', { name: 'Add another item' }).click();
    await page.getByLabel('Agenda item 2').fill('School attendance');
    await look(page, 'schedule-meeting');
    await page.getByRole('button', { name: 'Schedule meeting' }).click();

    await page.getByRole('heading', { level: 1, name: 'Locality meeting: North locality' }).waitFor();
    meetingId = new URL(page.url()).pathname.split('/').pop()!;
    await text(page, 'Room 2, Town Hall');
    await text(page, 'Scheduled');
    const agenda = page.getByRole('region', { name: 'Agenda' });
    await expect(agenda.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Introductions',
      'School attendance',
    ]);
  });

  it('the invitation downloads as an .ics file made in the page: title, time and place, nothing else', async () => {
    const { page } = chairBrowser;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download invite (.ics)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('meeting-2030-06-03.ics');
    const ics = await readFile(await download.path(), 'utf8');
    expect(ics).toContain('BEGIN:VEVENT\r\n');
    expect(ics).toContain('SUMMARY:Locality meeting: North locality\r\n');
    expect(ics).toContain('DTSTART:20300603T090000Z\r\n'); // 10:00 in London in June
    expect(ics).toContain('LOCATION:Room 2\\, Town Hall\r\n');
    expect(ics).not.toContain('Introductions');
    expect(ics).not.toContain('School attendance');
  });

  it('the chair starts the meeting, records attendance and writes the minutes (version 1)', async () => {
    const { page } = chairBrowser;
    await page.getByRole('button', { name: 'Start the meeting' }).click();
    await text(page, /^In progress since/);
    await page
      .getByRole('group', { name: /^alys person/ })
      .getByLabel('Present', { exact: true })
      .check();
    await page
      .getByRole('group', { name: /^grace person/ })
      .getByLabel('Present', { exact: true })
      .check();
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.getByRole('status').filter({ hasText: 'Attendance saved.' }).waitFor();

    await page.getByLabel('1. Introductions').fill('Everyone introduced themselves.');
    await page.getByLabel('2. School attendance').fill('Attendance is at 82% this term.');
    await page.getByRole('button', { name: 'Save minutes' }).click();
    await page.getByRole('status').filter({ hasText: 'Minutes saved as version 1.' }).waitFor();
    await look(page, 'meeting-in-progress');
  });

  it('a save on top of an older version is refused in plain words, and the newer one loads with nothing lost', async () => {
    const { page } = chairBrowser;
    await page.getByLabel('2. School attendance').fill('Attendance is at 82% this term, up from 75%.');
    // Meanwhile the chair's other device saves version 2.
    const theirs: MinutesDocument = {
      sections: [
        { item: '1', notes: 'Everyone introduced themselves.' },
        { item: '2', notes: 'Attendance is at 82% this term.' },
      ],
    };
    await chairScript.saveMinutes(meetingId, theirs, 1);

    await page.getByRole('heading', { name: 'The minutes changed while you were writing' }).waitFor();
    await expect(page.getByRole('button', { name: 'Save minutes' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Load version 2' }).click();
    await page.getByRole('heading', { name: 'Your unsaved text' }).waitFor();
    await expect(page.getByLabel('2. School attendance').inputValue()).resolves.toBe('Attendance is at 82% this term.');
    await text(page, 'Attendance is at 82% this term, up from 75%.');
    await page.getByLabel('2. School attendance').fill('Attendance is at 82% this term, up from 75%.');
    await page.getByRole('button', { name: 'Save minutes' }).click();
    await page.getByRole('status').filter({ hasText: 'Minutes saved as version 3.' }).waitFor();
    await page.getByRole('button', { name: /I have copied what I need/ }).click();
  });

  it('decisions and actions are recorded against the meeting, each action with its owner and due date', async () => {
    const { page } = chairBrowser;
    await page.getByLabel('Agenda item', { exact: true }).selectOption({ label: '2. School attendance' });
    await page.getByLabel('Decision', { exact: true }).fill('The school will offer a breakfast club place.');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision recorded under “School attendance”.' }).waitFor();
    await text(page, 'The school will offer a breakfast club place.');

    await page.getByLabel('What is to be done').fill('Visit the family with the school nurse');
    await page.getByLabel('Owner', { exact: true }).selectOption({ label: 'alys person (Northshire Police)' });
    await page.getByLabel('Due date').fill(londonDay(3));
    await page.getByRole('button', { name: 'Set action' }).click();
    const table = page.getByRole('table', { name: 'Actions set in this meeting' });
    await table.getByRole('rowheader', { name: 'Visit the family with the school nurse' }).waitFor();
    await expect(table.getByRole('row').nth(1).textContent()).resolves.toContain('Due in 3 days');
  });

  it('the chair closes the meeting after a confirmation; the signed minutes are read-only and checked here', async () => {
    const { page } = chairBrowser;
    await page.getByRole('button', { name: 'Close the meeting and sign the minutes' }).click();
    // The question takes focus; nothing is signed until "Yes".
    await page.waitForFunction(() =>
      document.activeElement?.textContent?.startsWith('Close the meeting and sign version 3 of the minutes'),
    );
    await page.getByRole('button', { name: 'Yes, close and sign' }).click();
    await page.getByRole('heading', { name: 'Signature' }).waitFor();
    await text(page, /Final minutes, version 3, signed by grace person \(Northshire Early Help\) on/);
    await text(page, 'Signature checked on this device:');
    await expect(page.getByRole('button', { name: 'Save minutes' }).count()).resolves.toBe(0);
    await expect(page.getByRole('region', { name: 'Minutes' }).locator('textarea, input').count()).resolves.toBe(0);
    await text(page, 'Attendance is at 82% this term, up from 75%.');

    await page.getByLabel('Correction').fill('The breakfast club starts after half term.');
    await page.getByLabel('Why it is needed').fill('The date was missed at the meeting.');
    await page.getByRole('button', { name: 'Add signed amendment' }).click();
    await page.getByRole('heading', { name: /^Amendment 1, by grace person \(Northshire Early Help\) on/ }).waitFor();
    await text(page, 'The breakfast club starts after half term.');
    await look(page, 'meeting-signed');
  });

  it('printed, the meeting is a clean minutes document: no navigation, buttons or forms', async () => {
    const { page } = chairBrowser;
    await page.emulateMedia({ media: 'print' });
    try {
      await expect(page.getByRole('navigation', { name: 'Main' }).isVisible()).resolves.toBe(false);
      await expect(page.getByRole('link', { name: 'Download invite (.ics)' }).isVisible()).resolves.toBe(false);
      await expect(page.getByRole('button', { name: 'Add signed amendment' }).isVisible()).resolves.toBe(false);
      for (const heading of ['Attendance', 'Minutes', 'Signature', 'Decisions', 'Actions', 'Amendments']) {
        await expect(page.getByRole('heading', { name: heading, exact: true }).isVisible()).resolves.toBe(true);
      }
      await expect(page.getByRole('heading', { name: '2. School attendance' }).isVisible()).resolves.toBe(true);
      await screenshot(page, 'meeting-print');
      await page.pdf({ path: path.join(SCREENS_DIR, 'meeting-minutes.pdf'), format: 'A4' });
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('a signature changed on the server is a visible warning, never shown as signed', async () => {
    await server.sql('UPDATE meetings SET final_signature = $2 WHERE id = $1', [meetingId, Buffer.alloc(64, 7)]);
    const { page } = chairBrowser;
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Closed' }).waitFor();
    await look(page, 'meetings');
    await page.getByRole('link', { name: 'Locality meeting: North locality' }).click();
    // A reload keeps the address (the session is a cookie); the keys are unlocked again first.
    await page.reload();
    await page.getByLabel('Passphrase for this browser').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').filter({ hasText: 'the signature on these minutes does not check out' }).waitFor();
    await expect(page.getByText('Signature checked on this device').count()).resolves.toBe(0);
    await look(page, 'meeting-signature-warning');
  });

  it('the owner sees their actions overdue first, in words, and records progress', async () => {
    // An older action, set from the chair's other device and already overdue.
    const id = crypto.randomUUID();
    await chairScript.sealedWrite(async () =>
      chair.client.createAction({
        id,
        channelId,
        meetingId,
        description: await chairScript.sealField(channelId, 'action', { text: 'Send the referral' }, { recordId: id }),
        ownerId: owner.id,
        dueOn: londonDay(-3),
      }),
    );
    const { page } = ownerBrowser;
    await page.getByRole('link', { name: 'My actions' }).click();
    await page.getByRole('heading', { level: 1, name: 'My actions' }).waitFor();
    await page.getByRole('heading', { name: 'Overdue (1)' }).waitFor();
    const cards = page.locator('.action-card');
    await expect(cards.nth(0).getByRole('heading').textContent()).resolves.toBe('Send the referral');
    await expect(cards.nth(0).textContent()).resolves.toContain('Overdue by 3 days');
    await expect(cards.nth(1).getByRole('heading').textContent()).resolves.toBe(
      'Visit the family with the school nurse',
    );
    await expect(cards.nth(1).textContent()).resolves.toContain('Due in 3 days');
    await expect(cards.nth(1).textContent()).resolves.toContain('Set in the locality meeting of');
    await look(page, 'my-actions');

    const visit = cards.nth(1);
    await visit.getByRole('button', { name: /Progress and updates/ }).click();
    await visit.getByText('No updates yet.').waitFor();
    await visit.getByRole('group', { name: 'Status' }).getByLabel('In progress').check();
    await visit.getByLabel('Progress note (optional)').fill('Visit booked with the school nurse for Tuesday.');
    await visit.getByRole('button', { name: 'Save update' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: the action is now in progress.' }).waitFor();
    await visit.getByText('Visit booked with the school nurse for Tuesday.').waitFor();
    await visit.getByText(/you: status changed from not started to in progress/).waitFor();
    await look(page, 'my-actions-progress');

    // The chair's meeting page follows live.
    const chairPage = chairBrowser.page;
    await chairPage
      .getByRole('table', { name: 'Actions set in this meeting' })
      .getByRole('row', { name: /Visit the family/ })
      .getByText('In progress')
      .waitFor();
  });

  it('a family meeting records the family members present and the family’s voice, under a general item', async () => {
    // A family the chair leads, with a child whose name is sealed on the chair's other device.
    const family = await chair.client.createFamily();
    const memberId = crypto.randomUUID();
    await chairScript.sealedWrite(async () =>
      chair.client.addFamilyMember(family.id, {
        id: memberId,
        role: 'child',
        details: await chairScript.sealField(
          family.channelId,
          'family-member',
          { name: 'Sam' },
          { recordId: memberId },
        ),
      }),
    );
    const { page } = chairBrowser;
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('link', { name: 'Schedule a meeting' }).click();
    await page.getByLabel('Conversation').selectOption({ label: `family ${family.ref}` });
    await page.getByRole('group', { name: 'Kind of meeting' }).getByLabel('Family meeting').check();
    await page.getByLabel('Date and time').fill('2030-07-01T14:30');
    await page.getByRole('button', { name: 'Schedule meeting' }).click();
    await page.getByRole('heading', { level: 1, name: `Family meeting: family ${family.ref}` }).waitFor();
    await text(page, 'No agenda was set.');

    await page.getByRole('button', { name: 'Start the meeting' }).click();
    const sam = page.getByRole('group', { name: `Sam (child, ${family.ref}-M1)` });
    await sam.getByLabel('Present', { exact: true }).check();
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.getByRole('status').filter({ hasText: 'Attendance saved.' }).waitFor();
    await page.getByLabel('General').fill('Sam talked about school.');
    await page.getByLabel('The family’s voice').fill('We want help with mornings.');
    await page.getByRole('button', { name: 'Save minutes' }).click();
    await page.getByRole('status').filter({ hasText: 'Minutes saved as version 1.' }).waitFor();
    await look(page, 'family-meeting-in-progress');

    await page.getByRole('button', { name: 'Close the meeting and sign the minutes' }).click();
    await page.getByRole('button', { name: 'Yes, close and sign' }).click();
    await text(page, 'Signature checked on this device:');
    const minutes = page.getByRole('region', { name: 'Minutes' });
    await minutes.getByRole('heading', { name: 'The family’s voice' }).waitFor();
    await minutes.getByText('We want help with mornings.').waitFor();
    await minutes.getByRole('heading', { name: 'General' }).waitFor();
    const attendance = page.getByRole('table', { name: 'Family members and their attendance' });
    await expect(attendance.getByRole('row', { name: /Sam/ }).textContent()).resolves.toContain('Present');
    await look(page, 'family-meeting-signed');
  });

  it('the server never held a word of it in clear: place, agenda, minutes, decisions, actions, notes', async () => {
    const dump = await dumpDatabase(server.databaseUrl);
    expect(dump).toContain(chair.email); // the dump is of the right database
    for (const typed of TYPED) {
      for (const form of markerForms(typed))
        expect({ typed, found: dump.includes(form) }).toEqual({ typed, found: false });
    }
  });
});
