/**
 * The judge's own work is measured in CPU time of this process, not wall time: on a busy
 * machine (containers, the models' streams, other processes) a wall clock around synchronous
 * code also counts the time the OS ran someone else.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
