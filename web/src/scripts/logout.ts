// Progressive enhancement for <form data-logout>: POST JSON to the API, then go home.
// Without JavaScript the form still posts to the same endpoint.
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-logout]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{}',
      });
      if (!res.ok && res.status !== 401) throw new Error(`logout failed: ${res.status}`);
      window.location.assign('/');
    } catch {
      // Stay on the page, signed in, and let the member retry.
      if (button) {
        button.disabled = false;
        button.textContent = 'Log out failed – retry';
      }
    }
  });
}
