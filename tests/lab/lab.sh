#!/usr/bin/env bash
# conformscan test lab: real TLS servers on loopback, with certificates made
# afresh on every start (so every date is relative to now).
#
#   tests/lab/lab.sh start  DIR   (re)generate the PKI into DIR and start every server
#   tests/lab/lab.sh stop   DIR   stop exactly the processes `start` recorded in DIR/pids
#   tests/lab/lab.sh status DIR   show each recorded process and each port; 0 if all are up
#   tests/lab/lab.sh verify DIR   handshake with every endpoint and check what it presents
#
# Parts: every tests/lab/parts/NAME.sh is sourced and adds endpoints of its own
# (see tests/lab/parts/README.md). LAB_ONLY="core legacy ..." starts only the
# named parts ("core" is the endpoint table below); by default all of them.
# Parts' endpoints are listed in endpoints.json under "parts": {NAME: [...]}.
#
# Every server binds 127.0.0.1 (and the good nginx one also ::1; the cleartext
# part also 127.0.0.2, a second loopback "host"), never any other address. Nothing here resolves a name: demo.test is only ever an SNI
# value and a SAN.
#
# Endpoints (all leaves carry SAN DNS:demo.test and are sent with the lab
# intermediate unless said otherwise):
#   18443 good            nginx, RSA 2048/SHA-256, now-1d for 90 days, TLS 1.2+1.3, also on [::1]
#   18444 expired         s_server, valid 2025-01-01 .. 2025-03-01
#   18445 not-yet-valid   s_server, valid from now+30d for 60 days
#   18446 wrong-host      s_server, SAN DNS:wrong.test only
#   18447 self-signed     s_server, self-signed leaf, no chain
#   18448 untrusted-root  s_server, leaf + intermediate under a second root that is not in lab-ca.pem
#   18449 rsa1024         s_server at @SECLEVEL=0, RSA 1024 leaf
#   18450 sha1            s_server at @SECLEVEL=0, leaf signed with SHA-1 by the intermediate
#   18451 blackhole       tests/lab/blackhole.py: accepts and never writes
#   18452 closed          nothing listens (start checks the port is free)
#   18453 good-ec         nginx, ECDSA P-256/SHA-256, now-1d for 90 days
#
# TLS-configuration endpoints: each serves the good RSA chain (so each passes
# the certificate rules) and differs only in protocol versions and cipher
# suites, as set in TLS_CONFIG below:
#   18460 tls13-only      nginx, TLS 1.3 only, server order
#   18461 tls12-aead      nginx, TLS 1.2 + 1.3, ECDHE AEAD suites only, server order
#   18462 legacy-versions nginx at @SECLEVEL=0, TLS 1.0 + 1.1 + 1.2, ECDHE with GCM and CBC
#   18463 cbc-only        nginx, TLS 1.2, CBC suites only (ECDHE and static RSA)
#   18464 static-rsa      nginx, TLS 1.2, static RSA key exchange only
#   18465 client-order    nginx, TLS 1.2, ECDHE AEAD suites, client order (ssl_prefer_server_ciphers off)
#   18466 3des            lighttpd + mod_gnutls (its own instance), TLS 1.2, ECDHE-RSA with AES-128-GCM
#                         and 3DES-CBC (Debian's libssl has no 3DES suites at all; GnuTLS does)
#   18467 dhe-1024        nginx at @SECLEVEL=0, TLS 1.2, DHE-RSA-AES128-GCM-SHA256 over a 1024-bit DH group
#
# Files written into DIR: lab-ca.pem (the lab root, the only trust anchor the
# tests give the scanner), untrusted-ca.pem, certs/, pki/, nginx/, logs/,
# pids ("NAME PID" per line), endpoints.json, inventory.yaml, lighttpd/, and
# dh/dh1024.pem (generated once, kept across starts: it takes seconds).
set -euo pipefail

readonly HOST=127.0.0.1
readonly HOST6=::1
readonly SNI=demo.test
LAB_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly LAB_SRC

# name port server expected-s_client-verify-code expected-failing-rules description
# (server: nginx | s_server | s_server_weak | lighttpd | blackhole | none)
readonly ENDPOINTS=(
  "good            18443 nginx         0  -                 RSA 2048 SHA-256 leaf, 90 days, TLS 1.2 and 1.3"
  "expired         18444 s_server      10 X509-VALIDITY-01  leaf valid 2025-01-01 to 2025-03-01"
  "not-yet-valid   18445 s_server      9  X509-VALIDITY-01  leaf valid from now+30 days for 60 days"
  "wrong-host      18446 s_server      62 X509-HOST-01      leaf SAN is DNS:wrong.test only"
  "self-signed     18447 s_server      18 X509-TRUST-01     self-signed leaf, no chain"
  "untrusted-root  18448 s_server      20 X509-TRUST-01     leaf and intermediate under a root not in lab-ca.pem"
  "rsa1024         18449 s_server_weak 66 X509-KEY-01       RSA 1024 leaf"
  "sha1            18450 s_server_weak 68 X509-SIG-01       leaf signed with SHA-1 by the lab intermediate"
  "blackhole       18451 blackhole     -  -                 accepts TCP connections and never writes; TLS probes time out"
  "closed          18452 none          -  -                 nothing listens; connections are refused"
  "good-ec         18453 nginx         0  -                 ECDSA P-256 SHA-256 leaf, 90 days"
  "tls13-only      18460 nginx         0  -                 TLS 1.3 only"
  "tls12-aead      18461 nginx         0  -                 TLS 1.2 and 1.3, ECDHE AEAD suites only, server order"
  "legacy-versions 18462 nginx         0  -                 TLS 1.0, 1.1 and 1.2 at SECLEVEL 0, ECDHE with GCM and CBC"
  "cbc-only        18463 nginx         0  -                 TLS 1.2, CBC suites only"
  "static-rsa      18464 nginx         0  -                 TLS 1.2, static RSA key exchange only"
  "client-order    18465 nginx         0  -                 TLS 1.2, ECDHE AEAD suites, client order"
  "3des            18466 lighttpd      0  -                 lighttpd and GnuTLS, TLS 1.2, ECDHE-RSA with AES-128-GCM and 3DES-CBC"
  "dhe-1024        18467 nginx         0  -                 TLS 1.2, DHE-RSA-AES128-GCM-SHA256 over a 1024-bit DH group"
)

# The TLS configuration of the TLS-configuration endpoints, one line each:
#   name|protocols (nginx spelling)|OpenSSL cipher string (- = library default)|server order (on|off)|extra
# extra: dh1024 (nginx ssl_dhparam with the lab's 1024-bit group) or, for
# lighttpd, the GnuTLS priority string. Written into the servers' configuration
# and, as configured (not as observed), into endpoints.json's "tls" object.
readonly TLS_CONFIG=(
  "tls13-only|TLSv1.3|-|on|-"
  "tls12-aead|TLSv1.2 TLSv1.3|ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305|on|-"
  "legacy-versions|TLSv1 TLSv1.1 TLSv1.2|ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:@SECLEVEL=0|on|-"
  "cbc-only|TLSv1.2|ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA:AES128-SHA|on|-"
  "static-rsa|TLSv1.2|AES128-GCM-SHA256:AES256-SHA256:AES128-SHA|on|-"
  "client-order|TLSv1.2|ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305|off|-"
  "3des|TLSv1.2|-|-|NONE:+VERS-TLS1.2:+ECDHE-RSA:+AES-128-GCM:+3DES-CBC:+AEAD:+SHA1:+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509"
  "dhe-1024|TLSv1.2|DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0|on|dh1024"
)
# OpenSSL's default TLS 1.3 suites, which nginx serves when TLS 1.3 is on.
readonly TLS13_DEFAULT_SUITES="TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"

readonly X509_RULES=(X509-VALIDITY-01 X509-TRUST-01 X509-HOST-01 X509-KEY-01 X509-SIG-01 X509-LIFE-01)

# Parts register themselves here (LAB_PARTS+=(NAME)) when sourced below.
LAB_PARTS=()

die() {
  echo "lab: error: $*" >&2
  exit 1
}

log() {
  echo "lab: $*" >&2
}

usage() {
  echo "usage: $0 start|stop|status|verify DIR" >&2
  exit 2
}

# ---- helpers -----------------------------------------------------------------

have_ipv6_loopback() {
  [ -r /proc/net/if_inet6 ] && grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6
}

# Listening sockets on a port, as "LOCAL_ADDR:PORT" lines. PORT is a TCP port
# number, or N/udp for the UDP sockets bound to N (a part's NAME_ports may
# list either).
listeners_on() {
  case "$1" in
    */udp) ss -Hlun "( sport = :${1%/udp} )" 2>/dev/null | awk '{print $4}' ;;
    *) ss -Hltn "( sport = :$1 )" 2>/dev/null | awk '{print $4}' ;;
  esac
}

# Seconds since the epoch -> the YYMMDDHHMMSSZ form `openssl ca` takes (UTCTime).
utc() {
  date -u -d "@$1" +%y%m%d%H%M%SZ
}

# True if PID is alive and was started by this lab in DIR (guards against pid reuse).
is_ours() {
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR"
}

python_bin() {
  if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

# ---- PKI -----------------------------------------------------------------------

# ca_config CADIR: a minimal `openssl ca` configuration for the CA kept in CADIR.
ca_config() {
  local cadir=$1
  mkdir -p "$cadir/newcerts"
  : >"$cadir/index.txt"
  openssl rand -hex 16 >"$cadir/serial"
  cat >"$cadir/ca.cnf" <<EOF
[ ca ]
default_ca = lab_ca

[ lab_ca ]
dir            = $cadir
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
serial         = \$dir/serial
default_md     = sha256
policy         = lab_policy
unique_subject = no
email_in_dn    = no
copy_extensions = none

[ lab_policy ]
organizationName = optional
commonName       = supplied

[ ext_root ]
basicConstraints     = critical, CA:TRUE
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ ext_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_leaf_rsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = \$ENV::LAB_SAN

[ ext_leaf_ec ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
subjectAltName         = \$ENV::LAB_SAN

[ ext_leaf_selfsigned ]
basicConstraints     = critical, CA:FALSE
keyUsage             = critical, digitalSignature, keyEncipherment
extendedKeyUsage     = serverAuth
subjectKeyIdentifier = hash
subjectAltName       = \$ENV::LAB_SAN
EOF
}

# new_key FILE rsa BITS | new_key FILE ec CURVE
new_key() {
  local file=$1 kind=$2 size=$3
  case "$kind" in
    rsa) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$size" -out "$file" 2>/dev/null ;;
    ec) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$size" -pkeyopt ec_param_enc:named_curve \
      -out "$file" 2>/dev/null ;;
  esac
  chmod 600 "$file"
}

# sign CADIR CSR OUT EXTENSIONS START END MD [selfsign KEY]
sign() {
  local cadir=$1 csr=$2 out=$3 ext=$4 start=$5 end=$6 md=$7
  local extra=()
  if [ "${8:-}" = selfsign ]; then extra=(-selfsign -keyfile "$9"); else extra=(-keyfile "$cadir/ca.key" -cert "$cadir/ca.pem"); fi
  openssl ca -batch -notext -config "$cadir/ca.cnf" "${extra[@]}" -extensions "$ext" -md "$md" \
    -startdate "$start" -enddate "$end" -in "$csr" -out "$out" >>"$DIR/logs/pki.log" 2>&1 ||
    die "openssl ca failed for $out (see $DIR/logs/pki.log)"
}

# make_root CADIR "COMMON NAME" START END
make_root() {
  local cadir=$1 cn=$2 start=$3 end=$4
  ca_config "$cadir"
  new_key "$cadir/ca.key" rsa 2048
  openssl req -new -key "$cadir/ca.key" -subj "/O=conformscan lab/CN=$cn" -out "$cadir/ca.csr"
  LAB_SAN=DNS:unused.test sign "$cadir" "$cadir/ca.csr" "$cadir/ca.pem" ext_root "$start" "$end" sha256 \
    selfsign "$cadir/ca.key"
}

# make_intermediate PARENT_CADIR CADIR "COMMON NAME" START END
make_intermediate() {
  local parent=$1 cadir=$2 cn=$3 start=$4 end=$5
  ca_config "$cadir"
  new_key "$cadir/ca.key" rsa 2048
  openssl req -new -key "$cadir/ca.key" -subj "/O=conformscan lab/CN=$cn" -out "$cadir/ca.csr"
  LAB_SAN=DNS:unused.test sign "$parent" "$cadir/ca.csr" "$cadir/ca.pem" ext_intermediate "$start" "$end" sha256
}

# make_leaf NAME CADIR KEYKIND KEYSIZE SAN START END MD
# Writes certs/NAME.key, certs/NAME.pem (leaf) and certs/NAME.chain.pem (leaf + issuing CA).
make_leaf() {
  local name=$1 cadir=$2 kind=$3 size=$4 san=$5 start=$6 end=$7 md=$8
  local certs="$DIR/certs"
  new_key "$certs/$name.key" "$kind" "$size"
  openssl req -new -key "$certs/$name.key" -subj "/O=conformscan lab/CN=${san#DNS:}" -out "$certs/$name.csr"
  if [ "$cadir" = selfsign ]; then
    ca_config "$DIR/pki/selfsigned-$name"
    LAB_SAN=$san sign "$DIR/pki/selfsigned-$name" "$certs/$name.csr" "$certs/$name.pem" ext_leaf_selfsigned \
      "$start" "$end" "$md" selfsign "$certs/$name.key"
    cp "$certs/$name.pem" "$certs/$name.chain.pem"
  else
    LAB_SAN=$san sign "$cadir" "$certs/$name.csr" "$certs/$name.pem" "ext_leaf_$kind" "$start" "$end" "$md"
    cat "$certs/$name.pem" "$cadir/ca.pem" >"$certs/$name.chain.pem"
    cp "$cadir/ca.pem" "$certs/$name.issuer.pem"
  fi
}

make_pki() {
  local now day
  now=$(date -u +%s)
  day=86400
  rm -rf "$DIR/pki" "$DIR/certs"
  mkdir -p "$DIR/pki" "$DIR/certs" "$DIR/logs"
  : >"$DIR/logs/pki.log"

  # CAs: valid since 2024-01-01 so that they cover the expired leaf's dates too.
  local ca_start=240101000000Z
  make_root "$DIR/pki/root" "conformscan lab root" "$ca_start" "$(utc $((now + 3650 * day)))"
  make_intermediate "$DIR/pki/root" "$DIR/pki/intermediate" "conformscan lab intermediate" \
    "$ca_start" "$(utc $((now + 1825 * day)))"
  make_root "$DIR/pki/untrusted-root" "conformscan untrusted root" "$ca_start" "$(utc $((now + 3650 * day)))"
  make_intermediate "$DIR/pki/untrusted-root" "$DIR/pki/untrusted-intermediate" \
    "conformscan untrusted intermediate" "$ca_start" "$(utc $((now + 1825 * day)))"
  cp "$DIR/pki/root/ca.pem" "$DIR/lab-ca.pem"
  cp "$DIR/pki/untrusted-root/ca.pem" "$DIR/untrusted-ca.pem"

  local ica="$DIR/pki/intermediate" uca="$DIR/pki/untrusted-intermediate"
  local from=$((now - day))
  local good_start good_end
  good_start=$(utc $from)
  good_end=$(utc $((from + 90 * day)))
  make_leaf good "$ica" rsa 2048 "DNS:$SNI" "$good_start" "$good_end" sha256
  make_leaf expired "$ica" rsa 2048 "DNS:$SNI" 250101000000Z 250301000000Z sha256
  make_leaf not-yet-valid "$ica" rsa 2048 "DNS:$SNI" "$(utc $((now + 30 * day)))" "$(utc $((now + 90 * day)))" sha256
  make_leaf wrong-host "$ica" rsa 2048 "DNS:wrong.test" "$good_start" "$good_end" sha256
  make_leaf self-signed selfsign rsa 2048 "DNS:$SNI" "$good_start" "$good_end" sha256
  make_leaf untrusted-root "$uca" rsa 2048 "DNS:$SNI" "$good_start" "$good_end" sha256
  make_leaf rsa1024 "$ica" rsa 1024 "DNS:$SNI" "$good_start" "$good_end" sha256
  make_leaf sha1 "$ica" rsa 2048 "DNS:$SNI" "$good_start" "$good_end" sha1
  make_leaf good-ec "$ica" ec P-256 "DNS:$SNI" "$good_start" "$good_end" sha256
  rm -f "$DIR"/certs/*.csr
}

# ---- TLS configurations -------------------------------------------------------

# tls_config NAME: sets TC_PROTOCOLS, TC_CIPHERS, TC_ORDER, TC_EXTRA from
# TLS_CONFIG; false when NAME has no TLS configuration of its own.
tls_config() {
  local line
  for line in "${TLS_CONFIG[@]}"; do
    if [ "${line%%|*}" = "$1" ]; then
      IFS='|' read -r _ TC_PROTOCOLS TC_CIPHERS TC_ORDER TC_EXTRA <<<"$line"
      return 0
    fi
  done
  return 1
}

# The lab's 1024-bit DH group (for dhe-1024): made once, kept across starts.
make_dhparam() {
  mkdir -p "$DIR/dh"
  if [ ! -s "$DIR/dh/dh1024.pem" ]; then
    log "generating a 1024-bit DH group (once)"
    openssl dhparam -out "$DIR/dh/dh1024.pem.tmp" 1024 >>"$DIR/logs/pki.log" 2>&1 ||
      die "openssl dhparam failed (see $DIR/logs/pki.log)"
    mv "$DIR/dh/dh1024.pem.tmp" "$DIR/dh/dh1024.pem"
  fi
}

# nginx_tls_servers: one server block per TLS-configuration endpoint that nginx serves.
nginx_tls_servers() {
  local line name port server
  for line in "${ENDPOINTS[@]}"; do
    read -r name port server _ <<<"$line"
    if [ "$server" != nginx ] || ! tls_config "$name"; then continue; fi
    echo
    echo "    server {"
    echo "        listen $HOST:$port ssl;"
    echo "        server_name $SNI;"
    echo "        ssl_certificate \"$DIR/certs/good.chain.pem\";"
    echo "        ssl_certificate_key \"$DIR/certs/good.key\";"
    echo "        ssl_protocols $TC_PROTOCOLS;"
    [ "$TC_CIPHERS" = - ] || echo "        ssl_ciphers '$TC_CIPHERS';"
    echo "        ssl_prefer_server_ciphers $TC_ORDER;"
    [ "$TC_EXTRA" = dh1024 ] && echo "        ssl_dhparam \"$DIR/dh/dh1024.pem\";"
    printf '        location / { return 200 "conformscan lab: %s\\n"; }\n' "$name"
    echo "    }"
  done
}

# ---- servers ------------------------------------------------------------------

record_pid() {
  echo "$1 $2" >>"$DIR/pids"
}

# nginx_conf_head DIR LOGLEVEL: the start of an nginx.conf for an instance kept in
# DIR (pid, logs and temp paths there), up to and inside the open http block.
nginx_conf_head() {
  local n=$1
  cat <<EOF
daemon on;
worker_processes 1;
pid "$n/nginx.pid";
error_log "$n/logs/error.log" $2;

events {
    worker_connections 256;
}

http {
    access_log "$n/logs/access.log";
    client_body_temp_path "$n/tmp/client_body";
    proxy_temp_path "$n/tmp/proxy";
    fastcgi_temp_path "$n/tmp/fastcgi";
    uwsgi_temp_path "$n/tmp/uwsgi";
    scgi_temp_path "$n/tmp/scgi";
    default_type text/plain;
    server_tokens off;
    ssl_protocols TLSv1.2 TLSv1.3;
EOF
}

write_nginx_conf() {
  local n="$DIR/nginx" ipv6_listen=""
  mkdir -p "$n/logs" "$n/tmp"
  if have_ipv6_loopback; then ipv6_listen="listen [$HOST6]:18443 ssl;"; fi
  cat >"$n/nginx.conf" <<EOF
# Generated by tests/lab/lab.sh: the lab's own nginx, loopback only.
$(nginx_conf_head "$n" warn)
    ssl_prefer_server_ciphers off;

    server {
        listen $HOST:18443 ssl;
        $ipv6_listen
        server_name $SNI;
        ssl_certificate "$DIR/certs/good.chain.pem";
        ssl_certificate_key "$DIR/certs/good.key";
        location / { return 200 "conformscan lab: good\n"; }
    }

    server {
        listen $HOST:18453 ssl;
        server_name $SNI;
        ssl_certificate "$DIR/certs/good-ec.chain.pem";
        ssl_certificate_key "$DIR/certs/good-ec.key";
        location / { return 200 "conformscan lab: good-ec\n"; }
    }
$(nginx_tls_servers)
}
EOF
}

start_nginx() {
  local n="$DIR/nginx"
  write_nginx_conf
  # nginx writes its pid file after it has daemonised: a stale one must not be read instead.
  rm -f "$n/nginx.pid"
  nginx -e "$n/logs/error.log" -p "$n/" -c "$n/nginx.conf" -t >>"$DIR/logs/nginx.log" 2>&1 ||
    die "nginx rejected its configuration (see $DIR/logs/nginx.log)"
  nginx -e "$n/logs/error.log" -p "$n/" -c "$n/nginx.conf" </dev/null >>"$DIR/logs/nginx.log" 2>&1 ||
    die "nginx did not start (see $DIR/logs/nginx.log and $n/logs/error.log)"
  local _
  for _ in $(seq 50); do
    [ -s "$n/nginx.pid" ] && break
    sleep 0.1
  done
  [ -s "$n/nginx.pid" ] || die "nginx wrote no pid file (see $n/logs/error.log)"
  record_pid nginx "$(cat "$n/nginx.pid")"
}

# start_s_server NAME PORT WEAK(0|1)
start_s_server() {
  local name=$1 port=$2 weak=$3 c="$DIR/certs"
  # -accept HOST:PORT binds that address only; without -naccept it serves
  # connections one after another for ever; -www answers a GET and needs no stdin.
  local args=(s_server -accept "$HOST:$port" -www -quiet -key "$c/$name.key" -cert "$c/$name.pem")
  if [ -e "$c/$name.issuer.pem" ]; then args+=(-cert_chain "$c/$name.issuer.pem"); fi
  # OpenSSL 3.0 refuses to load an RSA-1024 or SHA-1-signed certificate at the
  # default security level; level 0 lets s_server serve them.
  if [ "$weak" = 1 ]; then args+=(-cipher 'ALL:@SECLEVEL=0'); fi
  setsid openssl "${args[@]}" </dev/null >>"$DIR/logs/$name.log" 2>&1 &
  record_pid "$name" $!
}

start_blackhole() {
  local py
  py=$(python_bin) || die "python3 not found (needed for the blackhole endpoint)"
  setsid "$py" "$LAB_SRC/blackhole.py" --host "$HOST" --port 18451 --pidfile "$DIR/blackhole.pid" \
    </dev/null >>"$DIR/logs/blackhole.log" 2>&1 &
  record_pid blackhole $!
}

# start_lighttpd NAME PORT: the lab's own lighttpd (mod_gnutls) for endpoint
# NAME, in the foreground under setsid so that its pid is the one recorded; its
# configuration, pid file and logs live in DIR/lighttpd/NAME. It binds
# 127.0.0.1:PORT only (server.bind), not Debian's default port 80.
start_lighttpd() {
  local name=$1 port=$2 l="$DIR/lighttpd/$1"
  tls_config "$name" || die "no TLS configuration for $name"
  mkdir -p "$l/logs" "$l/www" "$l/tmp"
  echo "conformscan lab: $name" >"$l/www/index.html"
  cat >"$l/lighttpd.conf" <<EOF
# Generated by tests/lab/lab.sh: the lab's own lighttpd, loopback only.
server.modules = ("mod_gnutls")
server.document-root = "$l/www"
server.upload-dirs = ("$l/tmp")
server.bind = "$HOST"
server.port = $port
server.pid-file = "$l/lighttpd.pid"
server.errorlog = "$l/logs/error.log"
index-file.names = ("index.html")
ssl.engine = "enable"
ssl.pemfile = "$DIR/certs/good.chain.pem"
ssl.privkey = "$DIR/certs/good.key"
# GnuTLS takes this priority string as is (LAB-NOTES).
ssl.openssl.ssl-conf-cmd = ("gnutls-override" => "$TC_EXTRA")
EOF
  rm -f "$l/lighttpd.pid"
  lighttpd -tt -f "$l/lighttpd.conf" >>"$DIR/logs/$name.log" 2>&1 ||
    die "lighttpd rejected its configuration for $name (see $DIR/logs/$name.log)"
  setsid lighttpd -D -f "$l/lighttpd.conf" </dev/null >>"$DIR/logs/$name.log" 2>&1 &
  record_pid "$name" $!
}

# Debian starts its packaged lighttpd on install (scripts/install-deps.sh
# forbids that); one running from /etc/lighttpd listens on port 80 of every
# interface. The lab never uses or stops it, but says so.
warn_foreign_lighttpd() {
  local pid
  for pid in $(pgrep -x lighttpd 2>/dev/null || true); do
    is_ours "$pid" && continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q /etc/lighttpd; then
      log "warning: Debian's own lighttpd (pid $pid) is running on all interfaces; stop it: systemctl stop lighttpd"
    fi
  done
}

# wait_listening NAME PORT SERVER: until HOST:PORT is listening, or fail naming the server.
wait_listening() {
  local name=$1 port=$2 server=$3 pid
  case "$server" in
    nginx) pid=$(awk '$1 == "nginx" {print $2}' "$DIR/pids") ;;
    *) pid=$(awk -v n="$name" '$1 == n {print $2}' "$DIR/pids") ;;
  esac
  for _ in $(seq 100); do
    if listeners_on "$port" | grep -qxF "$HOST:${port%/udp}"; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 5 "$DIR/logs/$name.log" >&2 2>/dev/null || true
      die "$name ($HOST:$port) exited during start-up (see $DIR/logs/)"
    fi
    sleep 0.1
  done
  die "$name ($HOST:$port) is not listening after 10 s (see $DIR/logs/)"
}

# ---- generated descriptions ---------------------------------------------------

json_list() {
  local out="" x
  for x in "$@"; do out+="${out:+, }\"$x\""; done
  echo "[$out]"
}

# tls_json NAME: endpoints.json's "tls" object for a TLS-configuration endpoint,
# the configuration as written (the tests observe the behaviour themselves).
tls_json() {
  local suites=() v order dh=null prio=null
  tls_config "$1" || return 1
  if [ "$TC_CIPHERS" != - ]; then
    IFS=: read -r -a suites <<<"$TC_CIPHERS"
    for v in "${!suites[@]}"; do [[ ${suites[$v]} == @* ]] && unset "suites[$v]"; done
  fi
  case "$TC_ORDER" in on) order=true ;; off) order=false ;; *) order=null ;; esac
  [ "$TC_EXTRA" = dh1024 ] && dh=1024
  [[ $TC_EXTRA == NONE:* ]] && prio="\"$TC_EXTRA\""
  # shellcheck disable=SC2086 # the protocol list splits on purpose
  printf '{"versions": %s, "openssl_cipher_string": %s, "suites_openssl": %s, "tls13_suites": %s, "server_order": %s, "dh_bits": %s, "gnutls_priority": %s}' \
    "$(json_list $TC_PROTOCOLS)" "$([ "$TC_CIPHERS" = - ] && echo null || echo "\"$TC_CIPHERS\"")" \
    "$(json_list "${suites[@]}")" \
    "$(if [[ " $TC_PROTOCOLS " == *" TLSv1.3 "* ]]; then json_list ${TLS13_DEFAULT_SUITES//:/ }; else echo "[]"; fi)" \
    "$order" "$dh" "$prio"
}

write_endpoints_json() {
  local f="$DIR/endpoints.json.tmp" first=1 line name port server code fails desc expect failures listens
  {
    echo "{"
    echo "  \"generated_at\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
    echo "  \"ca_file\": \"$DIR/lab-ca.pem\","
    echo "  \"inventory\": \"$DIR/inventory.yaml\","
    echo "  \"rules\": $(json_list "${X509_RULES[@]}"),"
    echo "  \"endpoints\": ["
    for line in "${ENDPOINTS[@]}"; do
      started core || break
      read -r name port server code fails desc <<<"$line"
      case "$server" in
        blackhole | none) expect=error; failures="[]" ;;
        *) if [ "$fails" = - ]; then expect=pass; failures="[]"; else expect=fail; failures=$(json_list "$fails"); fi ;;
      esac
      listens="[\"$HOST:$port\"]"
      [ "$server" = none ] && listens="[]"
      if [ "$name" = good ] && have_ipv6_loopback; then listens="[\"$HOST:$port\", \"[$HOST6]:$port\"]"; fi
      [ $first = 1 ] || echo ","
      first=0
      printf '    {"name": "%s", "host": "%s", "port": %s, "sni": "%s", "service": "%s", "server": "%s",\n' \
        "$name" "$HOST" "$port" "$SNI" "$([ "$name" = good ] && echo https || echo tls)" "${server%_weak}"
      printf '     "listens": %s, "expect": "%s", "expected_failures": %s,\n' "$listens" "$expect" "$failures"
      if tls_config "$name"; then printf '     "tls": %s,\n' "$(tls_json "$name")"; fi
      printf '     "description": "%s"}' "$desc"
    done
    echo
    echo "  ],"
    echo "  \"parts\": $(parts_json)"
    echo "}"
  } >"$f"
  mv "$f" "$DIR/endpoints.json"
}

write_inventory() {
  local f="$DIR/inventory.yaml.tmp" line name port server code fails desc service expect part
  {
    echo "# Generated by tests/lab/lab.sh start on $(date -u +%Y-%m-%dT%H:%M:%SZ): the loopback lab."
    echo "# Trust anchor for these endpoints: $DIR/lab-ca.pem"
    echo "scope:"
    echo "  allow: [\"127.0.0.1/32\", \"::1/128\"]"
    echo "targets:"
    for line in "${ENDPOINTS[@]}"; do
      started core || break
      read -r name port server code fails desc <<<"$line"
      service=tls
      [ "$name" = good ] && service=https
      case "$server" in
        blackhole | none) expect=error ;;
        *) if [ "$fails" = - ]; then expect=pass; else expect=fail; fi ;;
      esac
      echo "  # $port $name: $desc"
      echo "  - {name: $name, host: $HOST, port: $port, service: $service, sni: $SNI, tags: [lab, expect-$expect]}"
    done
  } >"$f"
  # inventory-core.yaml: the core endpoints only (what the core tests scan);
  # inventory.yaml: those and every started part's targets (what the demo scans).
  cp "$f" "$DIR/inventory-core.yaml.tmp"
  mv "$DIR/inventory-core.yaml.tmp" "$DIR/inventory-core.yaml"
  for part in "${LAB_PARTS[@]}"; do
    if started "$part" && has_fn "${part}_inventory"; then "${part}_inventory"; fi
  done >>"$f"
  mv "$f" "$DIR/inventory.yaml"
}

# ---- parts ----------------------------------------------------------------------

for part_file in "$LAB_SRC"/parts/*.sh; do
  [ -e "$part_file" ] || continue
  # shellcheck source=/dev/null
  . "$part_file"
done
unset part_file

# selected NAME: true if NAME ("core" or a part) is to be started (LAB_ONLY).
selected() {
  [ -z "${LAB_ONLY:-}" ] && return 0
  [[ " ${LAB_ONLY//,/ } " == *" $1 "* ]]
}

# started NAME: true if the lab in DIR was started with NAME (recorded in DIR/parts).
started() {
  [ -f "$DIR/parts" ] && grep -qxF "$1" "$DIR/parts"
}

# has_fn NAME: true if the shell function NAME is defined.
has_fn() {
  declare -F "$1" >/dev/null
}

# parts_json: the "parts" object of endpoints.json, from each started part's NAME_endpoints
# (one JSON object per line).
parts_json() {
  local part first_part=1 first line
  printf '{'
  for part in "${LAB_PARTS[@]}"; do
    started "$part" || continue
    [ $first_part = 1 ] || printf ','
    first_part=0
    printf '\n    "%s": [' "$part"
    first=1
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      [ $first = 1 ] || printf ','
      first=0
      printf '\n      %s' "$line"
    done < <("${part}_endpoints")
    printf '\n    ]'
  done
  printf '\n  }'
}

# ---- commands -------------------------------------------------------------------

do_stop() {
  local quiet=${1:-0} name pid
  [ -f "$DIR/pids" ] || {
    [ "$quiet" = 1 ] || log "nothing recorded in $DIR/pids; nothing to stop"
    return 0
  }
  while read -r name pid; do
    [ -n "${pid:-}" ] || continue
    if is_ours "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
    elif [ "$quiet" != 1 ]; then
      log "$name (pid $pid) is not running (or is no longer ours); skipped"
    fi
  done <"$DIR/pids"
  while read -r name pid; do
    [ -n "${pid:-}" ] || continue
    for _ in $(seq 50); do
      is_ours "$pid" || break
      sleep 0.1
    done
    if is_ours "$pid"; then
      log "$name (pid $pid) ignored SIGTERM for 5 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done <"$DIR/pids"
  local part
  for part in "${LAB_PARTS[@]}"; do
    if has_fn "${part}_cleanup"; then "${part}_cleanup"; fi
  done
  rm -f "$DIR/pids" "$DIR/parts" "$DIR/nginx/nginx.pid" "$DIR/blackhole.pid" "$DIR"/lighttpd/*/lighttpd.pid
  [ "$quiet" = 1 ] || log "stopped the lab in $DIR"
}

# tls_get HOST:PORT [s_client options]: a GET over TLS, all of s_client's output.
# With stdin at EOF s_client may quit before the TLS 1.3 session tickets arrive
# and never print its "Protocol :" line; sending a request and waiting for the
# server to close (-ign_eof) makes the output complete.
tls_get() {
  local addr=$1
  shift
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$SNI" |
    timeout 10 openssl s_client -ign_eof -connect "$addr" -servername "$SNI" -CAfile "$DIR/lab-ca.pem" "$@" 2>&1 || true
}

# verify: handshake with every TLS endpoint the way LAB-NOTES describes and
# check the verify code s_client reports; check the blackhole answers nothing
# and the closed port refuses; check nothing of ours listens beyond loopback.
do_verify() {
  local bad=0 part
  if started core; then verify_core || bad=1; fi
  for part in "${LAB_PARTS[@]}"; do
    if started "$part" && has_fn "${part}_verify"; then "${part}_verify" || bad=1; fi
    # Nothing of a part's may listen on any address but loopback.
    if started "$part"; then
      for port in $("${part}_ports"); do
        if listeners_on "$port" | grep -vqE "^(127\.[0-9]+\.[0-9]+\.[0-9]+|\[::1\]):${port%/udp}\$"; then
          log "FAIL $part: port $port is bound beyond loopback: $(listeners_on "$port" | tr '\n' ' ')"
          bad=1
        fi
      done
    fi
  done
  return $bad
}

verify_core() {
  local line name port server code fails desc out got proto bad=0 args
  for line in "${ENDPOINTS[@]}"; do
    read -r name port server code fails desc <<<"$line"
    case "$server" in
      none)
        if [ -n "$(listeners_on "$port")" ]; then
          log "FAIL $name: something listens on port $port"
          bad=1
        else
          log "ok   $name ($HOST:$port): nothing listens"
        fi
        continue
        ;;
      blackhole)
        # Connect, send a byte, and expect silence (not a close, not data) for 1 s.
        if timeout 5 bash -c "exec 3<>/dev/tcp/$HOST/$port && printf x >&3; read -r -t 1 -n 1 <&3; [ \$? -gt 128 ]" \
          2>/dev/null; then
          log "ok   $name ($HOST:$port): accepts, never answers"
        else
          log "FAIL $name ($HOST:$port): expected an accepted connection that stays silent"
          bad=1
        fi
        continue
        ;;
    esac
    args=()
    # dhe-1024's group is below the default client's security level.
    if tls_config "$name"; then args=(-cipher 'ALL:@SECLEVEL=0'); fi
    out=$(tls_get "$HOST:$port" -verify_hostname "$SNI" "${args[@]}")
    # The first session print is s_client's own; s_server's -www page repeats
    # its side's, indented, in the body. After a TLS 1.3 handshake s_client
    # also prints the verify code flush left; after TLS 1.2 only indented.
    proto=$(sed -n 's/^    Protocol *: *//p' <<<"$out" | sed -n 1p)
    got=$(sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' <<<"$out" | sed -n 1p)
    if [ -z "$proto" ]; then
      log "FAIL $name ($HOST:$port): no TLS handshake"
      bad=1
    elif [ "$got" != "$code" ]; then
      log "FAIL $name ($HOST:$port): verify code $got, expected $code"
      bad=1
    else
      log "ok   $name ($HOST:$port): $proto, verify code $got"
    fi
  done
  # The good endpoint must speak TLS 1.2 as well as 1.3, and on ::1 too.
  out=$(tls_get "$HOST:18443" -tls1_2)
  if ! grep -q '^    Protocol  *: TLSv1.2' <<<"$out"; then
    log "FAIL good: no TLS 1.2 handshake"
    bad=1
  fi
  if have_ipv6_loopback; then
    out=$(tls_get "[$HOST6]:18443" -verify_hostname "$SNI")
    if grep -q '^Verify return code: 0 ' <<<"$out"; then
      log "ok   good ([$HOST6]:18443): verify code 0"
    else
      log "FAIL good: no verified handshake on [$HOST6]:18443"
      bad=1
    fi
  fi
  # Each TLS-configuration endpoint completes a handshake in exactly its
  # configured versions (s_client offering every suite it has, at level 0).
  local flags=(TLSv1:-tls1 TLSv1.1:-tls1_1 TLSv1.2:-tls1_2 TLSv1.3:-tls1_3) f version got_versions
  for line in "${ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    tls_config "$name" || continue
    got_versions=""
    for f in "${flags[@]}"; do
      version=${f%%:*}
      out=$(tls_get "$HOST:$port" "${f#*:}" -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0')
      # A failed handshake prints "Cipher is (NONE)" but still a Protocol line.
      if grep -q '^New, .*Cipher is ' <<<"$out" && ! grep -q 'Cipher is (NONE)' <<<"$out" &&
        grep -q "^    Protocol  *: $version\$" <<<"$out"; then
        got_versions+="${got_versions:+ }$version"
      fi
    done
    if [ "$got_versions" = "$TC_PROTOCOLS" ]; then
      log "ok   $name ($HOST:$port): handshakes in exactly $TC_PROTOCOLS"
    else
      log "FAIL $name ($HOST:$port): handshakes in [$got_versions], configured [$TC_PROTOCOLS]"
      bad=1
    fi
    # GnuTLS-served 3DES: only gnutls-cli can see it (Debian's libssl has no 3DES suite).
    if [[ $TC_EXTRA == *+3DES-CBC* ]] && command -v gnutls-cli >/dev/null; then
      out=$(timeout 10 gnutls-cli --insecure --port "$port" --sni-hostname "$SNI" \
        --priority "NONE:+VERS-TLS1.2:+ECDHE-RSA:+3DES-CBC:+SHA1:+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509" \
        "$HOST" </dev/null 2>&1 || true)
      if grep -q '^- Description: .*(3DES-CBC)' <<<"$out"; then
        log "ok   $name ($HOST:$port): gnutls-cli negotiates ECDHE-RSA with 3DES-CBC"
      else
        log "FAIL $name ($HOST:$port): gnutls-cli could not negotiate 3DES-CBC"
        bad=1
      fi
    fi
  done
  # Nothing of ours may listen on any address but loopback.
  for line in "${ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    if listeners_on "$port" | grep -vqE "^(127\.0\.0\.1|\[::1\]):$port\$"; then
      log "FAIL $name: port $port is bound beyond loopback: $(listeners_on "$port" | tr '\n' ' ')"
      bad=1
    fi
  done
  return $bad
}

do_start() {
  command -v openssl >/dev/null || die "openssl not found"
  command -v nginx >/dev/null || die "nginx not found (install nginx-light)"
  command -v ss >/dev/null || die "ss not found (install iproute2)"
  command -v lighttpd >/dev/null || die "lighttpd not found (install lighttpd and lighttpd-mod-gnutls)"
  [ -e /usr/lib/lighttpd/mod_gnutls.so ] || die "lighttpd's mod_gnutls not found (install lighttpd-mod-gnutls)"
  do_stop 1
  mkdir -p "$DIR/logs"
  rm -f "$DIR"/logs/*.log

  local line name port server code fails desc part
  : >"$DIR/parts"
  if selected core; then echo core >>"$DIR/parts"; fi
  for part in "${LAB_PARTS[@]}"; do
    if selected "$part"; then echo "$part" >>"$DIR/parts"; fi
  done
  for line in "${ENDPOINTS[@]}"; do
    started core || break
    read -r name port _ <<<"$line"
    if [ -n "$(listeners_on "$port")" ]; then
      die "port $port (for $name) is already in use by another process: $(listeners_on "$port" | tr '\n' ' ')"
    fi
  done
  for part in "${LAB_PARTS[@]}"; do
    started "$part" || continue
    for port in $("${part}_ports"); do
      if [ -n "$(listeners_on "$port")" ]; then
        die "port $port (for part $part) is already in use by another process: $(listeners_on "$port" | tr '\n' ' ')"
      fi
    done
  done

  log "generating certificates into $DIR"
  make_pki
  make_dhparam
  warn_foreign_lighttpd
  : >"$DIR/pids"
  # From here on, a failure stops whatever was already started.
  # shellcheck disable=SC2154 # rc is assigned inside the trap
  trap 'rc=$?; if [ $rc -ne 0 ]; then do_stop 1; fi' EXIT

  if started core; then start_core; fi
  for part in "${LAB_PARTS[@]}"; do
    if started "$part"; then "${part}_start"; fi
  done
  write_endpoints_json
  write_inventory
  do_verify || die "the lab came up but an endpoint does not behave as intended (see above)"
  trap - EXIT
  log "lab running in $DIR ($(tr '\n' ' ' <"$DIR/parts")): $(wc -l <"$DIR/pids") processes; inventory $DIR/inventory.yaml, CA $DIR/lab-ca.pem"
}

start_core() {
  local line name port server code fails desc
  start_nginx
  for line in "${ENDPOINTS[@]}"; do
    read -r name port server code fails desc <<<"$line"
    case "$server" in
      s_server) start_s_server "$name" "$port" 0 ;;
      s_server_weak) start_s_server "$name" "$port" 1 ;;
      lighttpd) start_lighttpd "$name" "$port" ;;
      blackhole) start_blackhole ;;
    esac
  done
  for line in "${ENDPOINTS[@]}"; do
    read -r name port server _ <<<"$line"
    [ "$server" = none ] || wait_listening "$name" "$port" "$server"
  done
}

do_status() {
  local name pid line port server up=0
  if [ ! -f "$DIR/pids" ]; then
    echo "lab in $DIR: not running"
    return 1
  fi
  while read -r name pid; do
    if is_ours "$pid"; then echo "$name pid $pid: running"; else
      echo "$name pid $pid: NOT running"
      up=1
    fi
  done <"$DIR/pids"
  for part in "${LAB_PARTS[@]}"; do
    started "$part" || continue
    for port in $("${part}_ports"); do
      if [ -n "$(listeners_on "$port")" ]; then echo "$part $HOST:$port: listening"; else
        echo "$part $HOST:$port: NOT listening"
        up=1
      fi
    done
  done
  for line in "${ENDPOINTS[@]}"; do
    started core || break
    read -r name port server _ <<<"$line"
    [ "$server" = none ] && continue
    if listeners_on "$port" | grep -qxF "$HOST:$port"; then echo "$name $HOST:$port: listening"; else
      echo "$name $HOST:$port: NOT listening"
      up=1
    fi
  done
  return $up
}

[ $# -eq 2 ] || usage
CMD=$1
if [ "$CMD" = start ]; then mkdir -p "$2"; fi
if [ ! -d "$2" ]; then
  echo "lab: no lab directory $2; nothing to do"
  [ "$CMD" = stop ] && exit 0
  exit 1
fi
DIR=$(cd "$2" && pwd)
readonly DIR

case "$CMD" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  verify) do_verify ;;
  *) usage ;;
esac
