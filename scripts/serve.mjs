// serve.mjs - a small static file server for the page and the browser tests:
// 127.0.0.1 only, correct MIME types (application/wasm, text/javascript),
// no caching, nothing outside the served folder.
//   node scripts/serve.mjs [folder] [--port N]      (PORT=N also works)
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/**
 * Serves folder on 127.0.0.1; resolves to { server, url } once listening (port
 * 0: any free port). headers: added to every file's response (the CSP test
 * sends the page's policy as a course site would). handle(req, res): asked
 * first, and when it returns true it has answered the request itself.
 */
export function serve(folder, { port = 0, headers = {}, handle = null } = {}) {
  const root = resolve(folder);
  const server = createServer((req, res) => {
    if (handle && handle(req, res)) return;
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': size,
        'Cache-Control': 'no-store',
        ...headers,
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      ok({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let port = Number(process.env.PORT ?? 8080);
  const i = args.indexOf('--port');
  if (i >= 0) {
    port = Number(args[i + 1]);
    args.splice(i, 2);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port must be an integer in 0..65535, got ${port}`);
    process.exit(2);
  }
  const folder = args[0] ?? '.';
  try {
    statSync(folder);
  } catch {
    console.error(`serve: no such folder '${folder}'`);
    process.exit(2);
  }
  serve(folder, { port }).then(({ server, url }) => {
    console.log(url);
    const stop = () => {
      console.log('serve: stopped');
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }, (e) => {
    console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (set PORT or --port)' : e.message}`);
    process.exit(1);
  });
}
