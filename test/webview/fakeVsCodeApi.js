// Stand-in for the API VS Code injects into webviews. Posted messages are recorded for the test;
// state lives in sessionStorage so it survives a page reload, as VS Code's does when a panel is
// hidden and shown again. The theme comes from ?theme= and is applied the way VS Code does it.
(function () {
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  document.body.classList.add(
    theme === 'light' ? 'vscode-light' : theme === 'hc' ? 'vscode-high-contrast' : 'vscode-dark',
  );
  window.__posted = [];
  window.__stateSaves = 0;
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        window.__posted.push(JSON.parse(JSON.stringify(message)));
      },
      getState() {
        const raw = sessionStorage.getItem('quorum-state');
        return raw === null ? undefined : JSON.parse(raw);
      },
      setState(state) {
        window.__stateSaves += 1;
        sessionStorage.setItem('quorum-state', JSON.stringify(state));
        return state;
      },
    });
  };
})();

// Test hooks, called from playwright. Kept here so the TypeScript tests need no DOM typings.
window.__harness = {
  /** Posts host messages like VS Code does and resolves once all are handled and painted. */
  send(messages) {
    return new Promise((resolve) => {
      const onMessage = (e) => {
        // Messages arrive in order: when this marker (ignored by the panel) arrives, all are handled.
        if (!e.data || e.data.type !== 'harness/flushed') return;
        window.removeEventListener('message', onMessage);
        window.__harness.frame().then(resolve);
      };
      window.addEventListener('message', onMessage);
      for (const m of messages) window.postMessage(m, '*');
      window.postMessage({ type: 'harness/flushed' }, '*');
    });
  },
  frame() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  },
  posted() {
    return window.__posted;
  },
  stateSaves() {
    return window.__stateSaves;
  },
};
