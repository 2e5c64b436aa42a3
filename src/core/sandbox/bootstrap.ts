import type { Language } from '../types';
import { WORKDIR } from './limits';

/**
 * The command a waiting container runs. It prints `marker + "ready"` once it waits for code, then
 * blocks reading a tar stream (the program, `.stdin`, `.argv`, and for the shell `.run`) on its
 * stdin, unpacks it into the tmpfs working directory, runs the program, then prints
 * `marker + exit status + "\n"` on stdout and on stderr, so the host knows the run is over
 * without waiting for the engine.
 *
 * After the marker it kills whatever the program left running and then waits, still alive,
 * until the host removes the container. A container whose main process exits costs the engine
 * its exit handling (state, mounts, cgroup) at that moment, which would compete for CPU with the
 * other candidates still running; the host removes used containers once no run is in flight.
 */
export function bootstrapCommand(language: Language, marker: string): string[] {
  if (language === 'python') return ['python3', '-c', PYTHON_BOOTSTRAP, marker];
  const printed = marker.replace(/\n/g, '\\n');
  return [
    '/bin/sh',
    '-c',
    `printf '${printed}ready\\n'; cd ${WORKDIR} && tar -xf - && /bin/sh ./.run; s=$?; ` +
      `printf '${printed}%d\\n' "$s"; printf '${printed}%d\\n' "$s" >&2; ` +
      // kill -1 spares the shell itself; the sleep keeps the container up until it is removed.
      `kill -9 -1 2>/dev/null; exec sleep 2147483647`,
  ];
}

/**
 * Python waits with its interpreter already started (standard library loaded), then runs the
 * program as `__main__` the way `python3 /work/main.py ARGS < .stdin` would: same sys.argv,
 * sys.path[0], stdin, exit status and traceback. Interpreter start-up is most of a short run's
 * CPU, and in the warm pool it is paid before the code arrives. So is a first pass over the
 * unpack-and-run path with a dummy program (`warm_up`): lazy imports and the interpreter's
 * first execution of that code would otherwise cost each run about 2 ms of CPU.
 */
const PYTHON_BOOTSTRAP = String.raw`
import io, os, sys, json, pkgutil, runpy, signal, traceback
marker = sys.argv[1]
def unpack(stream, into):
    # The host's archive (archive.ts): regular files with plain names, ustar headers. Read by hand
    # in 512-byte blocks: tarfile costs several times more per run, and block reads let the
    # archive end at its end marker, without waiting for the end of input.
    while True:
        header = stream.read(512)
        if len(header) < 512 or not header.strip(b"\0"):
            return
        name = header[:100].rstrip(b"\0").decode()
        size = int(header[124:136].strip(b"\0 ") or b"0", 8)
        if "/" in name or name in ("", ".", ".."):
            raise ValueError("unexpected archive member %r" % name)
        data = stream.read(size)
        stream.read(-size % 512)
        with open(into + "/" + name, "wb") as f:
            f.write(data)
def warm_up():
    into = "/tmp/.quorum-warm-up"
    os.mkdir(into)
    header = (b"main.py".ljust(124, b"\0") + b"%011o\0" % 5).ljust(512, b"\0")
    unpack(io.BytesIO(header + b"pass\n".ljust(512, b"\0") + bytes(1024)), into)
    runpy.run_path(into + "/main.py", run_name="__main__")
    os.remove(into + "/main.py")
    os.rmdir(into)
warm_up()
os.write(1, (marker + "ready\n").encode())
unpack(sys.stdin.buffer, "${WORKDIR}")
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
for fd in (1, 2):
    try:
        os.write(fd, ("%s%d\n" % (marker, status)).encode())
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGKILL)  # what the program left running; spares this process
except OSError:
    pass
while True:
    signal.pause()
`;
