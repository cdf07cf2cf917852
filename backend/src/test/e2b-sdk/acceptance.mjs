// The official e2b SDK against a Sandtable service. Needs E2B_API_URL, E2B_SANDBOX_URL, E2B_API_KEY (printed by
// `./sandtable serve`). Prints one line per step and, last, a JSON line of measured latencies; exits 1 on failure.
import { Sandbox, CommandExitError } from 'e2b'

const steps = []
const timings = {}
function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what)
}
async function step(name, fn) {
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  steps.push(name)
  console.log(`ok ${name} (${ms.toFixed(1)} ms)`)
}
async function until(what, cond, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await new Promise(r => setTimeout(r, 10))
  }
}

const sbx = await Sandbox.create({ metadata: { suite: 'sandtable-acceptance' }, envs: { SBX_GLOBAL: 'g1' }, timeoutMs: 120_000 })
try {
  await step('create', async () => check(/^[a-z0-9]+$/.test(sbx.sandboxId), 'sandbox id ' + sbx.sandboxId))

  await step('commands.run foreground', async () => {
    const r = await sbx.commands.run('echo hello; echo oops >&2')
    check(r.exitCode === 0, 'exit code ' + r.exitCode)
    check(r.stdout === 'hello\n', 'stdout ' + JSON.stringify(r.stdout))
    check(r.stderr === 'oops\n', 'stderr ' + JSON.stringify(r.stderr))
  })

  await step('commands.run non-zero exit', async () => {
    try {
      await sbx.commands.run('exit 3')
      check(false, 'no CommandExitError')
    } catch (e) {
      check(e instanceof CommandExitError && e.exitCode === 3, 'got ' + e)
    }
  })

  await step('commands.run cwd and envs', async () => {
    await sbx.files.makeDir('sub')
    const r = await sbx.commands.run('pwd; echo $GREETING', { cwd: 'sub', envs: { GREETING: 'hi there' } })
    check(r.stdout.trim().endsWith('/sub\nhi there'), 'stdout ' + JSON.stringify(r.stdout))
    const g = await sbx.commands.run('echo $SBX_GLOBAL')
    check(g.stdout === 'g1\n', 'sandbox envs: ' + JSON.stringify(g.stdout))
  })

  await step('commands.run background + wait', async () => {
    const t0 = performance.now()
    const h = await sbx.commands.run('sleep 2; touch bg-done; echo done', { background: true })
    timings.backgroundReturnMs = performance.now() - t0
    check(!(await sbx.files.exists('bg-done')), 'the background run returned only after the command ended')
    const r = await h.wait()
    check(r.stdout === 'done\n', 'stdout ' + JSON.stringify(r.stdout))
    check(await sbx.files.exists('bg-done'), 'wait() returned before the command ended')
  })

  await step('stdin', async () => {
    const h = await sbx.commands.run('cat', { background: true, stdin: true })
    await sbx.commands.sendStdin(h.pid, 'piped\n')
    await sbx.commands.closeStdin(h.pid)
    const r = await h.wait()
    check(r.stdout === 'piped\n', 'stdout ' + JSON.stringify(r.stdout))
  })

  await step('list and kill', async () => {
    const h = await sbx.commands.run('sleep 30', { background: true })
    const ps = await sbx.commands.list()
    check(ps.some(p => p.pid === h.pid), 'pid ' + h.pid + ' not listed')
    check(await sbx.commands.kill(h.pid), 'kill returned false')
    try {
      await h.wait()
      check(false, 'killed command ended without error')
    } catch (e) {
      check(e instanceof CommandExitError, 'got ' + e)
    }
    check(!(await sbx.commands.kill(999999)), 'killing an unknown pid returned true')
  })

  await step('files write/read/list/exists/rename/remove', async () => {
    await sbx.files.write('data/a.txt', 'alpha')
    check((await sbx.files.read('data/a.txt')) === 'alpha', 'read back')
    const entries = await sbx.files.list('data')
    check(entries.length === 1 && entries[0].name === 'a.txt' && entries[0].type === 'file', JSON.stringify(entries))
    check(await sbx.files.exists('data/a.txt'), 'exists')
    check(!(await sbx.files.exists('data/nope.txt')), 'not exists')
    await sbx.files.rename('data/a.txt', 'data/b.txt')
    check(await sbx.files.exists('data/b.txt'), 'renamed')
    await sbx.files.remove('data/b.txt')
    check(!(await sbx.files.exists('data/b.txt')), 'removed')
    check(!(await sbx.files.makeDir('data')), 'makeDir of an existing dir returned true')
    const w = await sbx.files.write('data/m.txt', 'meta', { metadata: { owner: 'alice' } })
    check(w.metadata?.owner === 'alice', 'write metadata ' + JSON.stringify(w))
    const info = await sbx.files.getInfo('data/m.txt')
    check(info.metadata?.owner === 'alice' && info.size === 4, 'getInfo ' + JSON.stringify(info))
  })

  await step('files.watchDir', async () => {
    await sbx.files.makeDir('watched')
    const events = []
    const w = await sbx.files.watchDir('watched', e => events.push({ ...e, at: performance.now() }), { recursive: true })
    const t0 = performance.now()
    await sbx.files.write('watched/new.txt', 'x')
    await until('a create event for new.txt', () => events.some(e => e.name === 'new.txt'))
    timings.watchDirWriteToEventMs = events.find(e => e.name === 'new.txt').at - t0
    await sbx.commands.run('mkdir -p watched/deep && echo y > watched/deep/f.txt')
    await until('an event for deep/f.txt', () => events.some(e => e.name === 'deep/f.txt'))
    // inotify: a rename is RENAME under the old name and CREATE under the new one; chmod is CHMOD, as envd reports them
    await sbx.files.rename('watched/new.txt', 'watched/renamed.txt')
    await until('rename + create for new.txt -> renamed.txt', () =>
      events.some(e => e.name === 'new.txt' && e.type === 'rename') && events.some(e => e.name === 'renamed.txt' && e.type === 'create'))
    await sbx.commands.run('chmod 600 watched/renamed.txt')
    await until('a chmod event for renamed.txt', () => events.some(e => e.name === 'renamed.txt' && e.type === 'chmod'))
    await w.stop()
  })

  await step('pty create, sendInput, resize', async () => {
    let out = ''
    let firstEcho = null
    const t0 = { v: 0 }
    const pty = await sbx.pty.create({ cols: 80, rows: 24, onData: d => {
      out += new TextDecoder().decode(d)
      if (firstEcho === null && out.includes('MARK42')) firstEcho = performance.now() - t0.v
    }})
    t0.v = performance.now()
    await sbx.pty.sendInput(pty.pid, new TextEncoder().encode('echo MARK$((40+2))\n'))
    await until('pty echo', () => out.includes('MARK42'))
    timings.ptyEchoMs = firstEcho
    await sbx.pty.resize(pty.pid, { cols: 100, rows: 30 })
    await sbx.pty.sendInput(pty.pid, new TextEncoder().encode('stty size\n'))
    await until('stty size after resize', () => out.includes('30 100'))
    await sbx.pty.sendInput(pty.pid, new TextEncoder().encode('exit\n'))
    await pty.wait()
    const other = await sbx.pty.create({ cols: 80, rows: 24, onData: () => {} })
    check(await sbx.pty.kill(other.pid), 'pty.kill returned false')
  })

  await step('list sandboxes', async () => {
    const page = await Sandbox.list({ query: { metadata: { suite: 'sandtable-acceptance' } } }).nextItems()
    check(page.some(s => s.sandboxId === sbx.sandboxId && s.state === 'running'), JSON.stringify(page))
  })

  await step('getInfo and setTimeout', async () => {
    const info = await sbx.getInfo()
    check(info.sandboxId === sbx.sandboxId, JSON.stringify(info))
    await sbx.setTimeout(300_000)
  })

  await step('path-prefixed sandbox URL', async () => {
    const base = process.env.E2B_SANDBOX_URL.replace(/\/$/, '')
    const other = await Sandbox.connect(sbx.sandboxId, { sandboxUrl: `${base}/sandbox/${sbx.sandboxId}/49983` })
    const r = await other.commands.run('echo via-prefix')
    check(r.stdout === 'via-prefix\n', r.stdout)
  })

  await step('pause and connect', async () => {
    await sbx.files.write('kept.txt', 'still here')
    check(await sbx.pause(), 'pause returned false')
    const listed = await Sandbox.list({ query: { state: ['paused'] } }).nextItems()
    check(listed.some(s => s.sandboxId === sbx.sandboxId), 'paused sandbox not listed as paused')
    const again = await Sandbox.connect(sbx.sandboxId)
    check((await again.files.read('kept.txt')) === 'still here', 'file lost across pause')
    const r = await again.commands.run('echo resumed')
    check(r.stdout === 'resumed\n', r.stdout)
  })
} finally {
  const killed = await Sandbox.kill(sbx.sandboxId)
  console.log('killed ' + killed)
}
check(!(await Sandbox.kill(sbx.sandboxId)), 'second kill returned true')
console.log('TIMINGS ' + JSON.stringify(timings))
console.log('PASSED ' + steps.length + ' steps')
