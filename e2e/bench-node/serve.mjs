// Starts one of the servers the benchmark runner compares ours with, on 127.0.0.1 and a free port, and
// prints "listening on 127.0.0.1:<port>". The runner installs them from npm into e2e/target/bench-node
// (ephemeral.e2e.bench.NodeServer); nothing here is vendored.
//
//   node --expose-gc serve.mjs peerjs|tracker <node_modules dir>
//
// peerjs:  peerjs-server (npm "peer"), WebSocket at /peerjs?key=peerjs&id=…&token=…, defaults except the
//          two limits a benchmark would trip: concurrent_limit (5000 clients) and alive_timeout (90 s
//          without a HEARTBEAT closes a client; the load generator sends none).
// tracker: bittorrent-tracker's WebSocket tracker only (no HTTP/UDP tracker, no /stats), defaults except
//          peersCacheLength: a swarm keeps at most 1000 peers by default and evicts the rest, and the
//          routing figure puts 2000 in one swarm.
//
// Reads commands on stdin, one a line: "gc" runs a full garbage collection and answers "gc done" (so the
// runner reads RSS after a GC, as it does for the Java server); "stats" answers one JSON line.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import readline from 'node:readline'

const [kind, modules] = process.argv.slice(2)
if (!kind || !modules) {
  console.error('usage: node --expose-gc serve.mjs peerjs|tracker <node_modules dir>')
  process.exit(2)
}
const load = rel => import(pathToFileURL(join(modules, rel)).href)
const counts = { warnings: 0, errors: 0 }

if (kind === 'peerjs') {
  const { PeerServer } = await load('peer/dist/module.mjs')
  const peer = PeerServer({
    host: '127.0.0.1',
    port: 0,
    path: '/',
    key: 'peerjs',
    concurrent_limit: 1000000,
    alive_timeout: 3600000
  }, server => console.log(`listening on 127.0.0.1:${server.address().port}`))
  peer.on('error', e => { counts.errors++; if (counts.errors <= 5) console.error('peerjs error:', e.message) })
} else if (kind === 'tracker') {
  const { default: Server } = await load('bittorrent-tracker/server.js')
  const server = new Server({ http: false, udp: false, ws: true, stats: false, peersCacheLength: 1000000 })
  server.on('warning', e => { counts.warnings++; if (counts.warnings <= 5) console.error('tracker warning:', e.message) })
  server.on('error', e => { console.error('tracker error:', e); process.exit(1) })
  server.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.ws.address().port}`))
} else {
  console.error(`unknown server: ${kind}`)
  process.exit(2)
}

readline.createInterface({ input: process.stdin }).on('line', line => {
  if (line === 'gc') {
    if (global.gc) global.gc()
    console.log(global.gc ? 'gc done' : 'gc unavailable')
  } else if (line === 'stats') {
    console.log(JSON.stringify({ ...counts, rss: process.memoryUsage().rss }))
  }
}).on('close', () => process.exit(0))
