import type { Language } from '../types';
import { WORKDIR } from './limits';

/**
 * The command a waiting container runs. It prints `marker + "ready"` once it waits for code, then blocks reading a tar stream (the program, `.stdin`,
 * `.argv`, `.run`) on its stdin, unpacks it into the tmpfs working directory, runs the program,
 * then prints `marker + exit status + "\n"` on stdout and on stderr, so the host knows the run is
 * over without waiting for the engine to tear the container down.
 */
export function bootstrapCommand(language: Language, marker: string): string[] {
  if (language === 'python') return ['python3', '-c', PYTHON_BOOTSTRAP, marker];
  const printed = marker.replace(/\n/g, '\\n');
  return [
    '/bin/sh',
    '-c',
    `printf '${printed}ready\\n'; cd ${WORKDIR} && tar -xf - && /bin/sh ./.run; s=$?; ` +
      `printf '${printed}%d\\n' "$s"; printf '${printed}%d\\n' "$s" >&2`,
  ];
}

/**
 * Python waits with its interpreter already started (standard library loaded), then runs the
 * program as `__main__` the way `python3 /work/main.py ARGS < .stdin` would: same sys.argv,
 * sys.path[0], stdin, exit status and traceback. Interpreter start-up is most of a short run's
 * CPU, and in the warm pool it is paid before the code arrives.
 */
const PYTHON_BOOTSTRAP = String.raw`
import os, sys, json, runpy, tarfile, traceback
marker = sys.argv[1]
os.write(1, (marker + "ready\n").encode())
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as archive:
    archive.extractall("${WORKDIR}", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
fd = os.open("${WORKDIR}/.stdin", os.O_RDONLY)
os.dup2(fd, 0)
os.close(fd)
sys.stdin = open(0, "r", closefd=False)
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
os._exit(status)
`;
