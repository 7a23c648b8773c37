# shellcheck shell=bash
# Lab part "vulns": TLS servers with the vulnerabilities no Debian 12 package
# still has (LAB-NOTES), served by tests/lab/vuln_tls_server.py, a
# recorded-response test server (header of that file), plus its patched
# counterparts. Each endpoint serves the lab's good RSA chain.
#
#   18475 vuln-heartbleed   Heartbleed (CVE-2014-0160): over-long heartbeat responses
#   18476 vuln-ccs          CCS injection (CVE-2014-0224): early ChangeCipherSpec accepted;
#                           heartbeat echoed, malformed requests discarded (patched Heartbleed)
#   18477 vuln-robot        ROBOT: PKCS #1 non-conformant ClientKeyExchange refused at once
#   18478 vuln-ticketbleed  Ticketbleed (CVE-2016-9244): 32-byte session id echo on ticket hellos;
#                           real TLS 1.2 handshakes (Python ssl) with session tickets otherwise
#   18479 vuln-patched      real TLS 1.2 with session tickets (Python ssl): the patched counterpart
#
# The fake profiles (18475-18477) speak TLS 1.0-1.2 with AES128-SHA, AES256-SHA
# and AES128-GCM-SHA256 only. Each endpoint's "vulnerable" list names what it
# models; the integration test expects exactly those. verify runs the server's
# own --check client (openssl s_client cannot send these messages), plus
# openssl s_client for the real-handshake endpoints.

LAB_PARTS+=(vulns)

# name port profile vulnerable(comma-separated)
readonly VULNS_ENDPOINTS=(
  "vuln-heartbleed  18475 heartbleed  heartbleed"
  "vuln-ccs         18476 ccs         ccs_injection"
  "vuln-robot       18477 robot       robot"
  "vuln-ticketbleed 18478 ticketbleed ticketbleed"
  "vuln-patched     18479 patched     -"
)

vulns_server() {
  echo "$LAB_SRC/vuln_tls_server.py"
}

vulns_ports() {
  local line port
  for line in "${VULNS_ENDPOINTS[@]}"; do
    read -r _ port _ <<<"$line"
    echo "$port"
  done
}

vulns_start() {
  local py line name port profile
  py=$(python_bin) || die "python3 not found (needed for the vulns part)"
  "$py" -c 'import cryptography' 2>/dev/null || die "python3-cryptography missing (scripts/install-deps.sh)"
  mkdir -p "$DIR/vulns"
  for line in "${VULNS_ENDPOINTS[@]}"; do
    read -r name port profile _ <<<"$line"
    rm -f "$DIR/vulns/$name.pid"
    setsid "$py" "$(vulns_server)" --host "$HOST" --port "$port" --profile "$profile" \
      --cert-chain "$DIR/certs/good.chain.pem" --key "$DIR/certs/good.key" \
      --pidfile "$DIR/vulns/$name.pid" </dev/null >>"$DIR/logs/$name.log" 2>&1 &
    record_pid "$name" $!
  done
  for line in "${VULNS_ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    wait_listening "$name" "$port" vulns
  done
}

vulns_verify() {
  local py line name port profile bad=0
  py=$(python_bin) || die "python3 not found (needed for the vulns part)"
  for line in "${VULNS_ENDPOINTS[@]}"; do
    read -r name port profile _ <<<"$line"
    if timeout 60 "$py" "$(vulns_server)" --check --host "$HOST" --port "$port" --profile "$profile"; then
      log "ok   $name ($HOST:$port): shows the $profile behaviour"
    else
      log "FAIL $name ($HOST:$port): does not show the $profile behaviour (see above)"
      bad=1
    fi
    case $profile in
      ticketbleed|patched)
        if echo | timeout 10 openssl s_client -connect "$HOST:$port" -tls1_2 2>/dev/null |
            grep -q "TLS session ticket:"; then
          log "ok   $name ($HOST:$port): openssl s_client completes TLS 1.2 and gets a session ticket"
        else
          log "FAIL $name ($HOST:$port): openssl s_client got no TLS 1.2 session ticket"
          bad=1
        fi
        ;;
    esac
  done
  return $bad
}

vulns_endpoints() {
  local line name port profile vulnerable list
  for line in "${VULNS_ENDPOINTS[@]}"; do
    read -r name port profile vulnerable <<<"$line"
    list="[]"
    [ "$vulnerable" = "-" ] || list="[\"${vulnerable//,/\", \"}\"]"
    printf '{"name": "%s", "host": "%s", "port": %s, "sni": "%s", "service": "tls", "server": "%s", "profile": "%s", "vulnerable": %s}\n' \
      "$name" "$HOST" "$port" "$SNI" "vuln_tls_server.py (recorded-response test server)" "$profile" "$list"
  done
}

vulns_cleanup() {
  rm -f "$DIR"/vulns/*.pid
}
