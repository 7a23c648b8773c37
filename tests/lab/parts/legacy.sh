# shellcheck shell=bash
# Lab part "legacy": what no Debian 12 package serves (LAB-NOTES), served by
# tests/lab/legacy_tls_server.py, a recorded-response test server: it answers
# a client's first flight as a server with the named profile would (SSLv2
# SERVER-HELLO, or ServerHello + Certificate + ServerKeyExchange +
# ServerHelloDone, or an alert) and never completes a handshake. Each endpoint
# serves the lab's good RSA chain (certs/good.chain.pem).
#
#   18470 legacy-sslv2        SSLv2 (RC4-128, 3DES, RC4-40 export, DES kinds) and SSLv3 (3DES, RC4, DES)
#   18471 legacy-sslv3        SSLv3 only: AES128-SHA, DES-CBC3-SHA, RC4-MD5 (POODLE)
#   18472 legacy-export       TLS 1.0 only: EXP-RC4-MD5, EXP-DES-CBC-SHA, EXP-EDH-RSA-DES-CBC-SHA,
#                             DES-CBC-SHA, IDEA-CBC-SHA, SEED-SHA, AES128-SHA
#   18473 legacy-rc4          TLS 1.0-1.2, RC4 suites only, no renegotiation_info (insecure renegotiation)
#   18474 legacy-compression  TLS 1.2, ECDHE-RSA-AES128-GCM-SHA256 and AES128-SHA, DEFLATE when offered (CRIME)
#
# Their configuration (versions, suites per version by IANA name and code
# point, SSLv2 kinds, compression, extensions) comes from the server's own
# profile table (`legacy_tls_server.py --describe PROFILE`) into
# endpoints.json's "configured" object. openssl 3 cannot speak SSLv2, SSLv3 or
# export suites, so verify uses the server's --check client (fake_tls.py's
# hello builder). Not in inventory.yaml: no handshake completes there, so the
# demo's certificate profile would see only errors.

LAB_PARTS+=(legacy)

# name port profile
readonly LEGACY_ENDPOINTS=(
  "legacy-sslv2       18470 sslv2"
  "legacy-sslv3       18471 sslv3"
  "legacy-export      18472 export"
  "legacy-rc4         18473 rc4"
  "legacy-compression 18474 compression"
)

legacy_server() {
  echo "$LAB_SRC/legacy_tls_server.py"
}

legacy_ports() {
  local line port
  for line in "${LEGACY_ENDPOINTS[@]}"; do
    read -r _ port _ <<<"$line"
    echo "$port"
  done
}

legacy_start() {
  local py line name port profile
  py=$(python_bin) || die "python3 not found (needed for the legacy part)"
  mkdir -p "$DIR/legacy"
  for line in "${LEGACY_ENDPOINTS[@]}"; do
    read -r name port profile <<<"$line"
    rm -f "$DIR/legacy/$name.pid"
    setsid "$py" "$(legacy_server)" --host "$HOST" --port "$port" --profile "$profile" \
      --cert-chain "$DIR/certs/good.chain.pem" --pidfile "$DIR/legacy/$name.pid" \
      </dev/null >>"$DIR/logs/$name.log" 2>&1 &
    record_pid "$name" $!
  done
  for line in "${LEGACY_ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    wait_listening "$name" "$port" legacy
  done
}

legacy_verify() {
  local py line name port profile bad=0
  py=$(python_bin) || die "python3 not found (needed for the legacy part)"
  for line in "${LEGACY_ENDPOINTS[@]}"; do
    read -r name port profile <<<"$line"
    if timeout 60 "$py" "$(legacy_server)" --check --host "$HOST" --port "$port" --profile "$profile"; then
      log "ok   $name ($HOST:$port): answers every hello as profile $profile says"
    else
      log "FAIL $name ($HOST:$port): does not answer as profile $profile says (see above)"
      bad=1
    fi
  done
  return $bad
}

legacy_endpoints() {
  local py line name port profile configured
  py=$(python_bin) || die "python3 not found (needed for the legacy part)"
  for line in "${LEGACY_ENDPOINTS[@]}"; do
    read -r name port profile <<<"$line"
    configured=$("$py" "$(legacy_server)" --describe "$profile") || die "cannot describe legacy profile $profile"
    printf '{"name": "%s", "host": "%s", "port": %s, "sni": "%s", "service": "tls", "server": "%s", "profile": "%s", "configured": %s}\n' \
      "$name" "$HOST" "$port" "$SNI" "legacy_tls_server.py (recorded-response test server)" "$profile" "$configured"
  done
}

legacy_cleanup() {
  rm -f "$DIR"/legacy/*.pid
}
