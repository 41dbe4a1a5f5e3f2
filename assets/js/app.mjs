// Progressive enhancement for every page, served from our own origin (the CSP allows no inline code).
// Each submit button of a form that changes something gets GOV.UK's prevent-double-click, so a
// second click within a second is ignored (the server also accepts each form only once).
import { initAll } from './govuk-frontend.min.js';

const submitButtons = document.querySelectorAll(
  'form[method="post" i] button:not([type]), form[method="post" i] button[type="submit" i], form[method="post" i] input[type="submit" i]',
);
for (const button of submitButtons) {
  if (!button.hasAttribute('data-module')) button.setAttribute('data-module', 'govuk-button');
  if (!button.hasAttribute('data-prevent-double-click'))
    button.setAttribute('data-prevent-double-click', 'true');
}

initAll();

// RF payment codes: a copy button (hidden without JavaScript, where the code is plain selectable text).
for (const button of document.querySelectorAll('button[data-copy-rf]')) {
  const id = button.getAttribute('data-copy-rf');
  const code = document.getElementById(id);
  const status = document.querySelector(`[data-copy-status="${id}"]`);
  if (!code || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(code.getAttribute('data-rf') ?? code.textContent.replace(/\s+/g, '')).then(
      () => {
        const copied = button.getAttribute('data-copied-text') ?? '';
        if (status) status.textContent = copied;
        // Seen as well as heard: the button says so for a moment.
        const label = button.innerHTML;
        button.textContent = copied;
        setTimeout(() => {
          button.innerHTML = label;
          if (status) status.textContent = '';
        }, 3000);
      },
      () => undefined,
    );
  });
}

// A page showing work in progress (an import) reloads itself; without JavaScript it has a link.
const refresh = document.querySelector('[data-refresh-after]');
if (refresh) {
  const seconds = Number(refresh.getAttribute('data-refresh-after')) || 2;
  setTimeout(() => window.location.reload(), seconds * 1000);
}
