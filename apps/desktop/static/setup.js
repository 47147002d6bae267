// The setup page's only logic: show why we are here, send the address to the main process.
const params = new URLSearchParams(location.search);
const input = document.getElementById('url');
const error = document.getElementById('error');
input.focus();
if (params.get('server')) input.value = params.get('server');
if (params.get('error')) error.textContent = `Could not reach ${params.get('server') || 'the server'}: ${params.get('error')}`;
window.tandemDesktop?.getServerUrl().then((url) => {
  if (url && !input.value) input.value = url;
});
document.getElementById('setup').addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const result = await window.tandemDesktop.setServerUrl(input.value);
  if (!result.ok) error.textContent = result.error;
});
