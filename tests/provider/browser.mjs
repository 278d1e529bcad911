// A scripted user playing the browser against tests/provider/server.mjs.
//
//   node browser.mjs URL [--login NAME] [--password PW] [--deny] [--timeout SECONDS]
//
// URL is usually an authorization request (…/auth?client_id=…). The script
// GETs it and follows redirects with a cookie jar, signs in on the
// dev-interactions login page (any login name, any password; default "alice"),
// grants consent (or, with --deny, presses "Cancel" on the consent page, which
// gives error=access_denied), and when the provider redirects to another origin
// (the client's redirect URI) it makes a real GET to that URL, as a browser
// would, so the redirect reaches the app's loopback listener.
//
// It also understands the provider's other pages:
//   - self-submitting forms (a browser's script would submit them): for
//     response_mode=form_post the form is POSTed to the redirect URI and the
//     printed URL is the redirect URI with the posted fields appended as a
//     query string; forms aimed at the provider itself are simply submitted.
//   - device flow (…/device?user_code=…, the verification_uri_complete): the
//     code is confirmed (aborted with --deny), then login and consent; ends on
//     the "Sign-in Success" page, whose URL is printed.
//   - RP-initiated logout (…/session/end?…): "Yes, sign me out" ("No, stay
//     signed in" with --deny); ends at the post_logout_redirect_uri (GET as
//     above) or on the "Sign-out Success" page.
//
// Output: the final URL, one line on stdout; exit status 0. A connection
// refused on the final GET is fine (nothing listens on the redirect URI): the
// URL is still printed and stderr says so.
// Any unexpected page, provider error page, or HTTP failure: a message on
// stderr and exit status 2 (bad usage: 64; overall timeout: 3).

const USAGE = 'usage: node browser.mjs URL [--login NAME] [--password PW] [--deny] [--timeout SECONDS]';

function die(message, code = 2) {
  process.stderr.write(`browser.mjs: ${message}\n`);
  process.exit(code);
}

function note(message) {
  process.stderr.write(`browser.mjs: ${message}\n`);
}

// ---- arguments ----------------------------------------------------------

const options = { login: 'alice', password: 'any-password', deny: false, timeout: 30 };
let startUrl;
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) die(`${arg} needs a value\n${USAGE}`, 64);
      i += 1;
      return args[i];
    };
    if (arg === '--login') options.login = value();
    else if (arg === '--password') options.password = value();
    else if (arg === '--deny') options.deny = true;
    else if (arg === '--timeout') options.timeout = Number(value());
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) die(`unknown option ${arg}\n${USAGE}`, 64);
    else if (startUrl === undefined) startUrl = arg;
    else die(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`, 64);
  }
  if (startUrl === undefined) die(USAGE, 64);
  if (URL.parse(startUrl) === null) die(`not an absolute URL: ${JSON.stringify(startUrl)}`, 64);
  if (!(options.timeout > 0)) die('--timeout must be a positive number of seconds', 64);
}

setTimeout(() => die(`gave up after ${options.timeout} s`, 3), options.timeout * 1000).unref();

const providerOrigin = new URL(startUrl).origin;

// ---- a tiny cookie jar (RFC 6265: host-only cookies, path matching) -------

const jar = new Map(); // key host|path|name -> { name, value, host, path, expires }

function defaultPath(url) {
  const { pathname } = url;
  if (!pathname.startsWith('/') || pathname.lastIndexOf('/') === 0) return '/';
  return pathname.slice(0, pathname.lastIndexOf('/'));
}

function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function storeCookies(url, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const cookie = {
      name: pair.slice(0, eq).trim(),
      value: pair.slice(eq + 1).trim(),
      host: url.hostname, // cookies do not separate ports (RFC 6265 §8.5)
      path: defaultPath(url),
      expires: Infinity,
    };
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      const key = (i === -1 ? attr : attr.slice(0, i)).trim().toLowerCase();
      const val = i === -1 ? '' : attr.slice(i + 1).trim();
      if (key === 'path' && val.startsWith('/')) cookie.path = val;
      else if (key === 'max-age' && /^-?\d+$/.test(val)) cookie.expires = Date.now() + Number(val) * 1000;
      else if (key === 'expires' && cookie.expires === Infinity) {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) cookie.expires = t;
      }
    }
    const key = `${cookie.host}|${cookie.path}|${cookie.name}`;
    if (cookie.expires <= Date.now()) jar.delete(key);
    else jar.set(key, cookie);
  }
}

function cookieHeader(url) {
  const now = Date.now();
  return [...jar.values()]
    .filter((c) => c.host === url.hostname && c.expires > now && pathMatches(url.pathname, c.path))
    .sort((a, b) => b.path.length - a.path.length)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

// ---- HTTP ----------------------------------------------------------------

async function request(url, { method = 'GET', form } = {}) {
  const headers = {
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
    'user-agent': 'tokenscope-test-browser/1 (node)',
  };
  const cookies = cookieHeader(url);
  if (cookies) headers.cookie = cookies;
  let body;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, {
    method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeout * 1000),
  });
  storeCookies(url, response);
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), text };
}

// ---- HTML scraping (the provider's pages are simple and machine-made) ----

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return {
      amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
    }[lower];
  });
}

function attributes(tag) {
  const out = {};
  const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const m of tag.matchAll(re)) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function parsePage(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]);
    const inputs = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((i) => attributes(i[1]));
    forms.push({
      id: attrs.id, action: attrs.action ?? '', method: (attrs.method ?? 'get').toLowerCase(), inputs,
    });
  }
  // Buttons may live outside their form (form="op.logoutForm").
  const buttons = [...html.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
    .map((b) => ({ ...attributes(b[1]), label: b[2].replace(/<[^>]*>/g, '').trim() }));
  const links = [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)]
    .map((a) => ({ ...attributes(a[1]), label: decodeEntities(a[2].replace(/<[^>]*>/g, '').trim()) }));
  const title = decodeEntities((html.match(/<title>([\s\S]*?)<\/title>/i)?.[1] ?? '').trim());
  return {
    forms, buttons, links, title,
  };
}

function fields(form) {
  const out = [];
  for (const input of form.inputs) {
    if (input.name === undefined) continue;
    const type = (input.type ?? 'text').toLowerCase();
    if ((type === 'checkbox' || type === 'radio') && !('checked' in input)) continue;
    if (type === 'submit' || type === 'button' || type === 'image') continue;
    out.push([input.name, input.value ?? '']);
  }
  return out;
}

function errorPageText(html) {
  const pairs = [...html.matchAll(/<pre><strong>([^<]*)<\/strong>:\s*([\s\S]*?)<\/pre>/gi)]
    .map((m) => `${decodeEntities(m[1])}: ${decodeEntities(m[2].trim())}`);
  return pairs.length > 0 ? pairs.join(', ') : textSnippet(html);
}

function textSnippet(html) {
  return decodeEntities(html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, 400);
}

// ---- the final hop: a real GET (or form POST) to the client ---------------

async function deliver(url, form) {
  const shown = new URL(url);
  if (form) for (const [k, v] of form) shown.searchParams.append(k, v);
  process.stdout.write(`${shown.href}\n`);
  try {
    const r = await request(url, form ? { method: 'POST', form } : {});
    note(`delivered to ${url.origin}${url.pathname}: HTTP ${r.status}`);
  } catch (err) {
    const code = err.cause?.code ?? err.code;
    if (code === 'ECONNREFUSED') {
      note(`nothing listens on ${url.origin} (connection refused); the redirect was not delivered`);
    } else {
      die(`the redirect to ${url.origin}${url.pathname} failed: ${code ?? ''} ${err.cause?.message ?? err.message}`);
    }
  }
  process.exit(0);
}

// ---- the walk --------------------------------------------------------------

const isProvider = (url) => url.origin === providerOrigin;

async function main() {
  let url = new URL(startUrl);
  let method = 'GET';
  let form;
  let loggedIn = false;

  for (let step = 0; step < 25; step += 1) {
    if (!isProvider(url)) {
      await deliver(url, method === 'POST' ? form : undefined);
      return;
    }
    let r;
    try {
      r = await request(url, { method, form });
    } catch (err) {
      die(`${method} ${url.href} failed: ${err.cause?.code ?? ''} ${err.cause?.message ?? err.message}`);
    }
    note(`${method} ${url.pathname} -> ${r.status}`);

    if (r.status >= 300 && r.status < 400 && r.location) {
      const next = new URL(r.location, url);
      const keep = r.status === 307 || r.status === 308;
      url = next;
      method = keep ? method : 'GET';
      form = keep ? form : undefined;
      continue;
    }

    const page = parsePage(r.text);
    const formById = (id) => page.forms.find((f) => f.id === id);
    const submit = (f, extra = []) => {
      url = new URL(f.action || url.href, url);
      method = f.method === 'post' ? 'POST' : 'GET';
      form = [...fields(f), ...extra];
      if (method === 'GET') {
        for (const [k, v] of form) url.searchParams.append(k, v);
        form = undefined;
      }
    };

    if (/oops! something went wrong/i.test(page.title)) {
      die(`the provider shows an error page at ${url.pathname} (HTTP ${r.status}): ${errorPageText(r.text)}`);
    }
    if (r.status !== 200) {
      die(`unexpected HTTP ${r.status} at ${url.href}: ${textSnippet(r.text)}`);
    }

    // A self-submitting form (a script calls form.submit()): response_mode=
    // form_post towards the client, or the provider posting to itself (device
    // code page, logout confirmation). A browser runs the script; we submit.
    if (/\.submit\(\)/.test(r.text) && page.forms.length === 1 && page.forms[0].method === 'post') {
      const [auto] = page.forms;
      const target = new URL(auto.action || url.href, url);
      if (!isProvider(target)) {
        await deliver(target, fields(auto));
        return;
      }
      note(`auto-submitting the form to ${target.pathname}`);
      submit(auto);
      continue;
    }

    // Login (dev interactions): any login, any password.
    const login = page.forms.find((f) => f.inputs.some((i) => i.name === 'login'));
    if (login) {
      if (loggedIn) die(`asked to sign in again at ${url.pathname}; the login was not accepted`);
      note(`signing in as ${JSON.stringify(options.login)}`);
      loggedIn = true;
      submit(login, []);
      form = form.map(([k, v]) => {
        if (k === 'login') return [k, options.login];
        if (k === 'password') return [k, options.password];
        return [k, v];
      });
      continue;
    }

    // Consent (dev interactions).
    const consent = page.forms.find((f) => f.inputs.some((i) => i.name === 'prompt' && i.value === 'consent'));
    if (consent) {
      if (options.deny) {
        const cancel = page.links.find((a) => /cancel/i.test(a.label));
        if (!cancel?.href) die(`--deny: no Cancel link on the consent page at ${url.pathname}`);
        note('denying consent (Cancel)');
        url = new URL(cancel.href, url);
        method = 'GET';
        form = undefined;
      } else {
        note('granting consent');
        submit(consent);
      }
      continue;
    }

    // Device flow: code confirmation, code input, success.
    const confirm = formById('op.deviceConfirmForm');
    if (confirm) {
      note(options.deny ? 'aborting the device code' : 'confirming the device code');
      submit(confirm, options.deny ? [['abort', 'yes']] : []);
      continue;
    }
    const codeInput = formById('op.deviceInputForm');
    if (codeInput) {
      const code = codeInput.inputs.find((i) => i.name === 'user_code')?.value;
      if (options.deny && /interrupted/i.test(r.text)) {
        process.stdout.write(`${url.href}\n`);
        note('the device sign-in was aborted');
        process.exit(0);
      }
      if (!code) die(`the device code page at ${url.pathname} asks for a code (${textSnippet(r.text)}); pass verification_uri_complete`);
      submit(codeInput);
      continue;
    }

    // RP-initiated logout.
    const logout = formById('op.logoutForm');
    if (logout) {
      note(options.deny ? 'staying signed in' : 'signing out');
      submit(logout, options.deny ? [] : [['logout', 'yes']]);
      continue;
    }

    if (/^Sign-in Success$|^Sign-out Success$/.test(page.title)) {
      process.stdout.write(`${url.href}\n`);
      note(`ends on the "${page.title}" page`);
      process.exit(0);
    }

    die(`unexpected page at ${url.href} (HTTP ${r.status}, title ${JSON.stringify(page.title)}): ${textSnippet(r.text)}`);
  }
  die('too many steps (redirect loop?)');
}

main().catch((err) => die(`crashed: ${err.stack ?? err}`));
