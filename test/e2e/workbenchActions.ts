/**
 * What a person does in the workbench, as playwright-core steps: open a file, open the Quorum
 * view, answer a notification, reach into the panel's webview. Selectors are VS Code's own DOM and
 * the panel's stable aria-labels / data-testids, never generated class names.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * Opens a top-level workspace file from the Explorer, as a person would. (Quick Open depends on
 * the file-search index and was slow to list results on a loaded machine.)
 */
export async function openFile(page: Page, name: string): Promise<void> {
  await openViewContainer(page, 'Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.dblclick();
  await page.locator(`.tab[data-resource-name="${name}"]`).waitFor({ timeout: 60_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** Clicks into the active text editor and moves the cursor to the end of the document. */
export async function cursorToEnd(page: Page): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
}

export async function saveActiveEditor(page: Page): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+S');
}

/** The title of the view container the side bar shows now, or '' when the side bar is hidden. */
async function sideBarTitle(page: Page): Promise<string> {
  const title = page.locator('.part.sidebar .composite.title .title-label h2').first();
  if (!(await title.isVisible())) return '';
  return (await title.innerText()).trim().toLowerCase();
}

/**
 * Shows a view container by clicking its activity-bar icon (whose aria-label starts with the
 * container's title), unless the side bar already shows it: a second click would hide it.
 */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const item = page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
  await item.waitFor({ timeout: 60_000 });
  if ((await sideBarTitle(page)) === title.toLowerCase()) return;
  await item.click();
  await page
    .locator('.part.sidebar .composite.title .title-label h2', { hasText: new RegExp(`^${title}$`, 'i') })
    .first()
    .waitFor({ timeout: 30_000 });
}

/** Clicks a button on the notification toast whose message contains `text`. */
export async function answerNotification(
  page: Page,
  text: string,
  button: string,
  timeoutMs = 60_000,
): Promise<void> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  const shown = await toast.waitFor({ timeout: timeoutMs / 2 }).then(
    () => true,
    () => false,
  );
  if (shown) {
    await toast.locator('.monaco-button', { hasText: button }).first().click();
    return;
  }
  // Newer workbenches may keep it in the notification center instead of a toast (another view took
  // the focus when it arrived): open the center and answer it there, as a user would.
  await runCommand(page, 'Notifications: Show Notifications');
  const row = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await row.waitFor({ timeout: timeoutMs / 2 });
  await row.locator('.monaco-button', { hasText: button }).first().click();
}

/**
 * The panel's document: VS Code hosts a webview in an iframe (its URL contains `webview`) which
 * loads the extension's HTML into an inner iframe with id `active-frame`.
 */
export function webviewFrame(page: Page): FrameLocator {
  // Quorum's own webview: the walkthrough renders its markdown in a webview too.
  return page
    .frameLocator('iframe[src*="webview"][src*="extensionId=quorum-dev.quorum"]')
    .first()
    .frameLocator('#active-frame');
}

/** The panel, once its prompt box has rendered. */
export async function quorumPanel(page: Page): Promise<FrameLocator> {
  const frame = webviewFrame(page);
  await frame.locator('textarea[aria-label="Instruction"]').waitFor({ timeout: 60_000 });
  return frame;
}

export function candidateCards(panel: FrameLocator): Locator {
  return panel.locator('article[data-candidate-id]');
}

/** Runs a command from the command palette (F1) by its title, e.g. `Preferences: Color Theme`. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Widens the side bar by dragging its edge, so screenshots show the panel at a usable width. */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 1 + by, y, { steps: 5 });
  await page.mouse.up();
}

/** Whether the workbench currently renders a light or a dark theme. */
export async function themeKind(page: Page): Promise<'light' | 'dark' | 'other'> {
  const classes = (await page.locator('.monaco-workbench').getAttribute('class')) ?? '';
  if (/\bvs-dark\b/.test(classes)) return 'dark';
  if (/\bvs\b/.test(classes)) return 'light';
  return 'other';
}
