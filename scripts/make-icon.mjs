// Renders media/icon.svg to media/icon.png (128 x 128, what the Marketplace and the Extensions view show)
// with the Chromium the editor tests use. Run after changing the SVG: node scripts/make-icon.mjs
import path from 'node:path';
import { REPO } from './editor/codeserver.mjs';
import { launchChromium } from './editor/browser.mjs';

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.goto(`file://${path.join(REPO, 'media/icon.svg')}`);
  await page.screenshot({ path: path.join(REPO, 'media/icon.png'), omitBackground: true });
  console.log('media/icon.png written');
} finally {
  await browser.close();
}
