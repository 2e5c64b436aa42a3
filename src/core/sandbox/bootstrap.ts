import type { Language } from '../types';
import { GO_CACHE, GO_CACHE_SEED } from './languages';
import { WORKDIR } from './limits';

/**
 * The command a waiting container runs. It prints `ready + "ready"` once it waits for code, then
 * reads the run's secret end-of-run marker (the first line on its stdin, `SECRET_LINE_BYTES`
 * long), then a tar stream (the program, `.stdin`, `.argv`, and for the shell `.run`), unpacks it
 * into the tmpfs working directory, runs the program, then prints `"\n" + marker + exit status +
 * "\n"` on stdout and on stderr, so the host knows the run is over without waiting for the engine.
 *
 * The marker is never on any command line, in any environment or file (issue 26, M2): the
 * program's process never holds it. The process that does (the bootstrap's, PID 1) waits for
 * the program to exit, kills whatever it left running, and only then prints it. The Python
 * bootstrap makes itself non-dumpable before it reads the marker, so no other process of the
 * container can read its memory or descriptors through /proc; a shell cannot do that, so there
 * the shell's memory still holds it (docs/security.md).
 *
 * Python and Node wait with their runtime already started (`runtimePrestarted`): starting an
 * interpreter is most of a short run's time (see the bare rows of `npm run bench:sandbox`), and in
 * the warm pool it is paid before the code arrives. Bash starts with the run.
 *
 * After the marker it waits, still alive, until the host removes the container. A container
 * whose main process exits costs the engine its exit handling (state, mounts, cgroup) at that
 * moment, which would compete for CPU with the other candidates still running; the host removes
 * used containers once no run is in flight.
 */
export function bootstrapCommand(language: Language, ready: string): string[] {
  const runtime = prestartedRuntime(language);
  if (runtime === 'python') return ['python3', '-c', PYTHON_BOOTSTRAP, ready];
  // The shell that ends every run with kill -9 -1 checks first that it is where it belongs.
  // The shell bootstraps get the ready token as $1 (it starts with a newline; no quoting games).
  if (runtime === 'node') {
    // Node runs as the shell's child, so the shell reports its exit status however it ends
    // (exit handlers, uncaught error, signal), after everything Node printed, like `sh -c`. It
    // starts in the background and waits (for SIGUSR2) while the shell reads the marker line.
    return [
      '/bin/sh',
      '-c',
      `${SHELL_GUARD}exec 3<&0; node -e "$2" "$1" <&3 3<&- & p=$!; ${READ_MARKER}kill -USR2 "$p"; wait "$p"; ${AFTER_RUN}`,
      'quorum',
      ready,
      NODE_BOOTSTRAP,
    ];
  }
  // Go's prepared build cache goes into the tmpfs before the container counts as ready.
  const before = language === 'go' ? `cp -r ${GO_CACHE_SEED} ${GO_CACHE} 2>/dev/null; ` : '';
  return [
    '/bin/sh',
    '-c',
    `${SHELL_GUARD}${before}printf '%sready\\n' "$1"; ${READ_MARKER}cd ${WORKDIR} && tar -xf - && /bin/sh ./.run; ${AFTER_RUN}`,
    'quorum',
    ready,
  ];
}

/**
 * The first line of a run's input: the end-of-run marker without its leading newline, then a
 * newline, exactly `SECRET_LINE_BYTES` bytes (`marker` is `"\n__quorum_exit_<16 hex>__:"`).
 */
export function secretLine(marker: string): string {
  if (marker.length !== SECRET_LINE_BYTES || !marker.startsWith('\n') || /[\s]/.test(marker.slice(1)))
    throw new Error(`an end-of-run marker is a newline and ${SECRET_LINE_BYTES - 1} other characters`);
  return `${marker.slice(1)}\n`;
}

/** The length of the marker line (and of the marker: a newline and `__quorum_exit_<16 hex>__:`). */
export const SECRET_LINE_BYTES = 1 + '__quorum_exit_'.length + 16 + '__:'.length;

/**
 * Whether the bootstrap runs the program in a runtime started before the code came. Such a
 * bootstrap stops reading at the archive's end marker, so the host leaves its stdin open;
 * the shell's `tar` (busybox's in particular) reads to the end of input instead, and gets a
 * `.run` script that starts the program.
 */
export function runtimePrestarted(language: Language): boolean {
  return prestartedRuntime(language) !== undefined;
}

/** The runtime a language's bootstrap starts before the code comes, if any (TypeScript runs as JavaScript). */
function prestartedRuntime(language: Language): 'python' | 'node' | undefined {
  if (language === 'python') return 'python';
  if (language === 'javascript' || language === 'typescript') return 'node';
  return undefined;
}

/** What a bootstrap says when it refuses to run (exit status 125, as the engine's own failures). */
export const BOOTSTRAP_REFUSAL =
  'quorum bootstrap: refusing to run: it ends every run by killing every process it can, so it runs only as PID 1 of a Quorum sandbox container (its own PID namespace, no-new-privileges)';

/**
 * The container's count of OOM kills, from the kernel (cgroup v2 `memory.events`, v1
 * `memory.oom_control`; 0 when neither is readable). The program runs as a child of PID 1, and an
 * engine on cgroup v1 (Docker 20.10, Podman 4) sets `State.OOMKilled` only when PID 1 itself dies,
 * so the bootstrap reports an OOM kill of the program itself: `m` after the status in its marker line.
 * Shell builtins only (the offline images have no cat or grep).
 */
const OOM_COUNT_SHELL =
  `ook() { for f in /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control; do ` +
  `[ -r "$f" ] && while read -r k v; do [ "$k" = oom_kill ] && { echo "$v"; return; }; done <"$f"; done; echo 0; }; `;

/**
 * The bootstrap's destructive step (kill -9 -1) is harmless only as PID 1 of the container's own
 * PID namespace, which the sandbox starts with no-new-privileges: a shell anywhere else (on the
 * host by mistake, or as some process's child) refuses before doing anything.
 */
const SHELL_GUARD =
  `n=; while read -r k v; do [ "$k" = NoNewPrivs: ] && n=$v; done </proc/self/status; ` +
  `if [ "$$" != 1 ] || [ "$n" != 1 ]; then echo '${BOOTSTRAP_REFUSAL}' >&2; exit 125; fi; ` +
  OOM_COUNT_SHELL +
  `o0=$(ook); `;

/** The shell reads the marker line (byte by byte, as `read` does on a pipe: the archive stays unread). */
const READ_MARKER = `IFS= read -r m || exit 0; `;

/**
 * Shell text run after the program: `kill -9 -1` first (which spares the shell itself), so
 * nothing the program left running can read or race what follows; then the status as a marker
 * on both streams, and a sleep that keeps the container up until it is removed.
 */
const AFTER_RUN =
  `s=$?; kill -9 -1 2>/dev/null; f=; [ "$s" = 137 ] && [ "$(ook)" != "$o0" ] && f=m; ` +
  `printf '\\n%s%d%s\\n' "$m" "$s" "$f"; printf '\\n%s%d%s\\n' "$m" "$s" "$f" >&2; ` +
  `exec sleep 2147483647`;

/**
 * Python waits with its interpreter already started (standard library loaded), then runs the
 * program as `__main__` the way `python3 /work/main.py ARGS < .stdin` would: same sys.argv,
 * sys.path[0], stdin, exit status and traceback. The program runs in a fork of the waiting
 * interpreter: the parent (PID 1, non-dumpable) holds the marker, in a bytearray the child
 * zeroes before it reads the archive, and reports the child's exit status. Interpreter start-up is most of a short run's
 * CPU, and in the warm pool it is paid before the code arrives. So is a first pass over the
 * unpack-and-run path with a dummy program (`warm_up`): lazy imports and the interpreter's
 * first execution of that code would otherwise cost each run about 2 ms of CPU.
 */
const PYTHON_BOOTSTRAP = String.raw`
import io, os, sys, json, pkgutil, runpy, signal, traceback
if os.getpid() != 1 or "\nNoNewPrivs:\t1\n" not in open("/proc/self/status").read():
    sys.stderr.write("${BOOTSTRAP_REFUSAL}\n")
    sys.exit(125)
ready = sys.argv[1]
def dumpable(flag):
    # PR_SET_DUMPABLE: a non-dumpable process's /proc/<pid>/mem, /fd and /environ are root's, out
    # of reach of the program (which runs as the same user). Only the parent is non-dumpable.
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl(4, flag, 0, 0, 0) == 0
    except Exception:
        return False
def unpack(read, into):
    # The host's archive (archive.ts): regular files with plain names, ustar headers. Read by hand
    # in 512-byte blocks: tarfile costs several times more per run. Reads end exactly at the
    # archive's end marker (both of its zero blocks): the input after it is a live run's feed.
    while True:
        header = read(512)
        if len(header) < 512:
            return
        if not header.strip(b"\0"):
            read(512)
            return
        name = header[:100].rstrip(b"\0").decode()
        size = int(header[124:136].strip(b"\0 ") or b"0", 8)
        if "/" in name or name in ("", ".", ".."):
            raise ValueError("unexpected archive member %r" % name)
        data = read(size + (-size % 512))[:size]
        with open(into + "/" + name, "wb") as f:
            f.write(data)
def exact(size):
    # Unbuffered: a buffered reader could take the first bytes of the feed along with the archive.
    parts = []
    while size > 0:
        part = os.read(0, size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
def warm_up():
    into = "/tmp/.quorum-warm-up"
    os.mkdir(into)
    header = (b"main.py".ljust(124, b"\0") + b"%011o\0" % 5).ljust(512, b"\0")
    unpack(io.BytesIO(header + b"pass\n".ljust(512, b"\0") + bytes(1024)).read, into)
    runpy.run_path(into + "/main.py", run_name="__main__")
    os.remove(into + "/main.py")
    os.rmdir(into)
warm_up()
if not dumpable(0):
    sys.stderr.write("quorum bootstrap: cannot make itself non-dumpable (no ctypes?): refusing to run\n")
    sys.exit(125)
os.write(1, (ready + "ready\n").encode())
# The marker line, read straight into a bytearray (no other copy of it exists in this process).
secret = bytearray(${SECRET_LINE_BYTES})
view = memoryview(secret)
got = 0
while got < len(secret):
    n = os.readv(0, [view[got:]])
    if n == 0:
        os._exit(0)  # the host went away before sending a program
    got += n
del view
def oom_kills():
    # The kernel's count of OOM kills in this container (see OOM_COUNT_SHELL).
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            for entry in open(path):
                key, _, value = entry.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
    return 0
ooms = oom_kills()
child = os.fork()
if child:
    ws = os.waitpid(child, 0)[1]
    # Killed by a signal: 128 + its number, as a shell reports it.
    status = 128 + os.WTERMSIG(ws) if os.WIFSIGNALED(ws) else os.WEXITSTATUS(ws)
    oom = b"m" if status == 137 and oom_kills() > ooms else b""
    try:
        os.kill(-1, signal.SIGKILL)  # what the program left running; spares this process
    except OSError:
        pass
    line = b"\n" + bytes(secret[:-1]) + b"%d%s\n" % (status, oom)
    for fd in (1, 2):
        try:
            os.write(fd, line)
        except OSError:
            pass
    while True:
        signal.pause()
secret[:] = bytes(len(secret))
del secret
dumpable(1)
unpack(exact, "${WORKDIR}")
if os.path.exists("${WORKDIR}/.live"):
    # A live run: the rest of the input is the program's, on its own descriptor.
    live = os.dup(0)
    os.set_blocking(live, True)
    os.environ["QUORUM_INPUT_FD"] = str(live)
fd = os.open("${WORKDIR}/.stdin", os.O_RDONLY)
os.dup2(fd, 0)
os.close(fd)
sys.stdin = open(0, "r", closefd=False)
# Line-buffered, as in a terminal: one write per complete line instead of one per print() piece
# (each write is a trip through the engine); a trailing partial line is written at exit.
for stream in (sys.stdout, sys.stderr):
    stream.reconfigure(line_buffering=True, write_through=False)
os.chdir("${WORKDIR}")
argv = json.load(open("${WORKDIR}/.argv"))
main = argv[1]
sys.argv = argv[1:]
sys.path[0] = os.path.dirname(main)
status = 0
try:
    runpy.run_path(main, run_name="__main__")
except SystemExit as e:
    if e.code is None:
        status = 0
    elif isinstance(e.code, int):
        status = e.code & 0xFF
    else:
        print(e.code, file=sys.stderr)
        status = 1
except BaseException as e:
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != main:
        tb = tb.tb_next
    traceback.print_exception(type(e), e, tb)
    status = 1
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except Exception:
        pass
os._exit(status)
`;

/**
 * Node waits in the same way, then runs the program as the main module the way
 * `node /work/main.js ARGS < .stdin` would: same process.argv, require.main, stdin (fd 0 is the
 * `.stdin` file, so `fs.readFileSync(0)` and `/dev/stdin` work), ESM for `.mjs`, and Node's own
 * error output and exit status. Node has no dup2: closing fd 0 and opening the file gives it the
 * lowest free descriptor, 0. The archive is read with blocking reads before anything touches
 * `process.stdin`. It never sees the end-of-run marker: it waits for SIGUSR2, which the shell
 * sends once it has read the marker line, and it ends as Node ends; the shell reports.
 */
const NODE_BOOTSTRAP = String.raw`
const fs = require("fs");
// Node runs as the child of the bootstrap shell, PID 1 (which checked itself the same way).
if (process.ppid !== 1 || !/\nNoNewPrivs:\t1\n/.test(fs.readFileSync("/proc/self/status", "latin1"))) {
  process.stderr.write("${BOOTSTRAP_REFUSAL}\n");
  process.exit(125);
}
const ready = process.argv[1];
const nap = new Int32Array(new SharedArrayBuffer(4));
function read(size) {
  const buf = Buffer.alloc(size);
  for (let got = 0; got < size; ) {
    let n;
    try {
      n = fs.readSync(0, buf, got, size - got, null);
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
      Atomics.wait(nap, 0, 0, 1);
      continue;
    }
    if (n === 0) process.exit(0); // the host went away before sending a whole program
    got += n;
  }
  return buf;
}
function unpack(into) {
  for (;;) {
    const header = read(512);
    if (header.every((b) => b === 0)) {
      read(512); // the end marker's second block: what follows is a live run's feed
      return;
    }
    const name = header.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("latin1").replace(/[\0 ]/g, "") || "0", 8);
    if (name.includes("/") || name === "" || name === "." || name === "..") {
      throw new Error("unexpected archive member " + JSON.stringify(name));
    }
    const data = read(size + (-size & 511)).subarray(0, size);
    fs.writeFileSync(into + "/" + name, data);
  }
}
const Module = require("module");
/**
 * A first pass through the module loaders and the creation of the output streams (same fds as
 * the program's) would otherwise be paid by every run; pay them before the code comes. The ESM pass is asynchronous, so the rest starts from a fresh macrotask: an error the
 * program throws at once stays an uncaught exception, not a rejected promise.
 */
async function warmUp() {
  process.stdout;
  process.stderr;
  const dummy = "/tmp/.quorum-warm-up";
  fs.writeFileSync(dummy + ".js", "module.exports = String(1);\n");
  fs.writeFileSync(dummy + ".mjs", "export default String(1);\n");
  Module.runMain(dummy + ".js");
  delete require.cache[dummy + ".js"];
  await import("file://" + dummy + ".mjs");
  fs.unlinkSync(dummy + ".js");
  fs.unlinkSync(dummy + ".mjs");
}
function run() {
  unpack("${WORKDIR}");
  if (fs.existsSync("${WORKDIR}/.live")) {
    // A live run: the rest of the input is the program's, on its own descriptor (a new open of
    // the same pipe: Node has no dup).
    process.env.QUORUM_INPUT_FD = String(fs.openSync("/proc/self/fd/0", "r"));
  }
  fs.closeSync(0);
  if (fs.openSync("${WORKDIR}/.stdin", "r") !== 0) throw new Error("stdin is not fd 0");
  const argv = JSON.parse(fs.readFileSync("${WORKDIR}/.argv", "utf8"));
  process.chdir("${WORKDIR}");
  process.argv = [process.execPath, ...argv.slice(1)];
  process.execArgv = []; // so child_process.fork() starts the program's module, not this bootstrap
  Module.runMain(argv[1]);
}
/** Ready once warm; the run starts when the shell has the marker line (SIGUSR2). */
function waitForGo() {
  const alive = setInterval(() => {}, 1 << 30); // a signal listener alone does not keep Node up
  process.once("SIGUSR2", () => {
    clearInterval(alive);
    setImmediate(run);
  });
  fs.writeSync(1, ready + "ready\n");
}
warmUp().then(waitForGo);
`;
