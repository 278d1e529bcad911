// A scripted user for tokenscope's built-in sandbox provider.
//
//   node sandbox-browser.mjs URL [--user anna|ivan] [--deny]
//
// GETs URL (an authorization request, or a device verification link), and on
// the sandbox's login or device page submits the form as the chosen user (or
// presses Deny). Redirects within the sandbox are followed; a redirect to
// another origin (the client's redirect URI) is fetched with a real GET, as a
// browser would, so it reaches the app's loopback listener. Prints the final
// URL on stdout. Exit status 2 on an unexpected page.
//
// Also a module: `play(url, { user, deny })` returns the final URL.

export async function play(startUrl, { user = 'anna', deny = false } = {}) {
  const origin = new URL(startUrl).origin;
  let url = startUrl;
  let method = 'GET';
  let body;
  for (let hop = 0; hop < 10; hop += 1) {
    const headers = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    const response = await fetch(url, { method, body, headers, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url).toString();
      if (new URL(next).origin !== origin) {
        try {
          await fetch(next, { redirect: 'manual' });
        } catch (error) {
          process.stderr.write(`sandbox-browser: nothing answered at ${next} (${error.cause?.code ?? error.message})\n`);
        }
        return next;
      }
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await response.text();
    const form = html.match(/<form method="post" action="([^"]+)" id="(login|device)">([\s\S]*?)<\/form>/);
    if (!form) {
      if (response.ok && method === 'POST') return url;
      throw new Error(`unexpected page at ${url} (HTTP ${response.status}): ${html.slice(0, 300)}`);
    }
    const fields = new URLSearchParams();
    for (const input of form[3].matchAll(/<input (?:type="hidden" )?name="([^"]+)" value="([^"]*)">/g)) {
      fields.append(input[1], input[2].replaceAll('&amp;', '&'));
    }
    if (deny) fields.append('deny', '1');
    else fields.append('user', user);
    url = new URL(form[1].replaceAll('&amp;', '&'), url).toString();
    method = 'POST';
    body = fields.toString();
  }
  throw new Error('too many redirects');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const options = { user: 'anna', deny: false };
  let start;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--user') options.user = args[++i];
    else if (args[i] === '--deny') options.deny = true;
    else start = args[i];
  }
  if (!start) {
    process.stderr.write('usage: node sandbox-browser.mjs URL [--user NAME] [--deny]\n');
    process.exit(64);
  }
  play(start, options).then(
    (final) => process.stdout.write(`${final}\n`),
    (error) => {
      process.stderr.write(`sandbox-browser: ${error.message}\n`);
      process.exit(2);
    },
  );
}
