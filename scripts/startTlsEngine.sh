#!/usr/bin/env bash
# A second Docker engine for the remote-engine and failover suites: its own network namespace
# (no address outside this machine), its own data/exec roots, pidfile and containerd, listening
# on TCP with --tlsverify and certificates made here with openssl (CA, server, client).
# Idempotent; loads the offline images into it; prints the environment to reach it:
#   DOCKER_HOST=tcp://10.231.0.2:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=/run/quorum-tls-engine/client
#   bash scripts/startTlsEngine.sh         start (or reuse) it
#   bash scripts/startTlsEngine.sh kill    SIGKILL its dockerd (the failover test's crash)
#   bash scripts/startTlsEngine.sh stop    stop it (SIGTERM), keep the namespace and certificates
set -euo pipefail

NS=quorum-tls
HOST_IF=qtls0
NS_IF=qtls1
HOST_IP=10.231.0.1
ENGINE_IP=10.231.0.2
PORT=2376
DIR=/run/quorum-tls-engine
DATA=/var/lib/quorum-tls-docker
EXEC=/run/quorum-tls-docker
PIDFILE=$DIR/dockerd.pid
LOG=/tmp/quorum-tls-dockerd.log
log() { printf '[tls-engine] %s\n' "$*" >&2; }

client() { docker --tlsverify --tlscacert "$DIR/client/ca.pem" --tlscert "$DIR/client/cert.pem" \
  --tlskey "$DIR/client/key.pem" -H "tcp://$ENGINE_IP:$PORT" "$@"; }
answers() { timeout 5 docker --tlsverify --tlscacert "$DIR/client/ca.pem" --tlscert "$DIR/client/cert.pem" \
  --tlskey "$DIR/client/key.pem" -H "tcp://$ENGINE_IP:$PORT" version >/dev/null 2>&1; }

case "${1:-}" in
  kill | stop)
    sig=KILL; [ "$1" = stop ] && sig=TERM
    [ -f "$PIDFILE" ] && kill -s "$sig" "$(cat "$PIDFILE")" 2>/dev/null || true
    exit 0 ;;
esac

# The namespace and its link: the host reaches the engine at $ENGINE_IP over a veth pair.
if [ ! -e "/run/netns/$NS" ]; then
  log "creating network namespace $NS"
  ip netns add "$NS"
fi
if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
  ip link add "$HOST_IF" type veth peer name "$NS_IF"
  ip link set "$NS_IF" netns "$NS"
  ip addr add "$HOST_IP/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  # `ip netns exec` remounts /sys and fails on cgroup v1 here; nsenter only switches the network.
  nsenter --net="/run/netns/$NS" ip addr add "$ENGINE_IP/30" dev "$NS_IF"
  nsenter --net="/run/netns/$NS" ip link set "$NS_IF" up
  nsenter --net="/run/netns/$NS" ip link set lo up
fi

# Certificates: a CA, a server certificate for $ENGINE_IP, a client certificate. The CA key is
# only used here; a client without a certificate signed by it is refused at the handshake.
if [ ! -f "$DIR/client/key.pem" ]; then
  log "making a CA, a server and a client certificate"
  mkdir -p "$DIR/server" "$DIR/client" "$DIR/ca"
  cd "$DIR/ca"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=quorum-test-ca" \
    -keyout ca-key.pem -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$ENGINE_IP" -keyout server-key.pem -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$ENGINE_IP" >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
    -extfile server.ext -out server-cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=quorum-client" -keyout client-key.pem -out client.csr 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
    -extfile client.ext -out client-cert.pem 2>/dev/null
  cp ca.pem server-cert.pem server-key.pem "$DIR/server/"
  cp ca.pem "$DIR/client/ca.pem"; cp client-cert.pem "$DIR/client/cert.pem"; cp client-key.pem "$DIR/client/key.pem"
  chmod 600 "$DIR"/*/*key.pem
  cd - >/dev/null
fi

if ! answers; then
  # A dockerd that was killed leaves its containerd's shims; the next start cleans them up.
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true; sleep 1
  fi
  rm -f "$PIDFILE"
  mkdir -p "$DATA" "$EXEC"
  # After a SIGKILL, its containerd cleans up the dead shims at the next start, which can outlast
  # dockerd's own wait for it ("timeout waiting for containerd to start"); each try gets further.
  for attempt in 1 2 3 4; do
    log "starting dockerd in $NS on tcp://$ENGINE_IP:$PORT (TLS verify), try $attempt"
    nsenter --net="/run/netns/$NS" setsid dockerd \
      --data-root "$DATA" --exec-root "$EXEC" --pidfile "$PIDFILE" \
      -H "tcp://$ENGINE_IP:$PORT" --tlsverify \
      --tlscacert "$DIR/server/ca.pem" --tlscert "$DIR/server/server-cert.pem" --tlskey "$DIR/server/server-key.pem" \
      --bridge none --iptables=false --ip6tables=false >>"$LOG" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 90); do
      answers && break 2
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
  done
  answers || { log "dockerd did not answer; end of $LOG:"; tail -n 20 "$LOG" >&2; exit 1; }
fi

# The images the suites run on this engine (QUORUM_ENGINE_IMAGES=all loads every offline image).
IMAGES="${QUORUM_ENGINE_IMAGES:-quorum-offline/python:3.11 quorum-offline/node:20 quorum-offline/bash:5}"
[ "$IMAGES" = all ] && IMAGES="$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^quorum-offline/')"
for tag in $IMAGES; do
  docker image inspect "$tag" >/dev/null 2>&1 || { log "no $tag in the Docker engine (scripts/buildSandboxImages.sh)"; continue; }
  want="$(docker image inspect -f '{{.Id}}' "$tag")"
  have="$(client image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  if [ "$have" != "$want" ]; then
    log "loading $tag"
    docker save "$tag" | client load -q >/dev/null
  fi
done
printf 'DOCKER_HOST=tcp://%s:%s DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=%s/client\n' "$ENGINE_IP" "$PORT" "$DIR"
