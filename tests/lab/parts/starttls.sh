# shellcheck shell=bash
# Lab part "starttls": real servers that upgrade a plaintext protocol to TLS,
# on 127.0.0.1 ports 18510-18522, each serving the lab's good chain
# (certs/good.chain.pem, RSA 2048, SAN demo.test) after the upgrade.
#
#   18510 smtp          postfix smtpd: EHLO, STARTTLS (TLS optional)
#   18511 submission    postfix smtpd: EHLO, STARTTLS (TLS required before mail)
#                       (postfix's own TLS defaults: TLS 1.0 to 1.3, and anonymous
#                       suites too, as opportunistic TLS allows)
#   18512 imap          dovecot: STARTTLS
#   18513 pop3          dovecot: STLS
#   18514 ftp           vsftpd: AUTH TLS
#   18515 ldap          slapd (OpenLDAP, GnuTLS): StartTLS extended operation
#   18516 xmpp          prosody c2s: <starttls/>
#   18517 xmpp-server   prosody s2s: <starttls/>
#   18518 postgres      PostgreSQL 15: SSLRequest
#   18519 mysql         MariaDB: SSL request in the handshake response
#   18520 nntp          test front (tests/lab/starttls_front.py): CAPABILITIES, STARTTLS
#   18521 sieve         dovecot managesieve: STARTTLS
#   18522 lmtp          dovecot lmtp over TCP: LHLO, STARTTLS
#
# nntp is served by a test front, not a packaged server: Debian's inn2 does not
# even install where the host name has no domain (its post-install script
# stops at "innconfval: hostname does not resolve or domain not set in
# inn.conf"), and it runs from the system-wide /etc/news. Where postfix is
# not installed, or with LAB_STARTTLS_SMTP=front, the front serves smtp and
# submission too (endpoints.json's "server" says which); it answers EHLO in one
# write (LAB-NOTES: stunnel's multi-write reply confuses scanners). Everything
# else is the Debian package's daemon with a configuration of its own in
# DIR/starttls/NAME (see starttls_dir; no system configuration is read), its
# own data, pid and socket files there, and its log in
# DIR/logs/starttls-NAME.log.
#
# PostgreSQL's and MariaDB's data directories are initialised once and kept
# across starts (DIR/starttls/postgres/data, DIR/starttls/mariadb/data), like
# the lab's DH group: initialising them takes most of the part's start-up time.

LAB_PARTS+=(starttls)

# name port s_client-name (openssl s_client -starttls) service (inventory; also the
# scanner's STARTTLS protocol) server (postfix|front|dovecot|vsftpd|slapd|prosody|postgres|mariadb)
readonly STARTTLS_ENDPOINTS=(
  "smtp        18510 smtp        smtp        postfix"
  "submission  18511 smtp        submission  postfix"
  "imap        18512 imap        imap        dovecot"
  "pop3        18513 pop3        pop3        dovecot"
  "ftp         18514 ftp         ftp         vsftpd"
  "ldap        18515 ldap        ldap        slapd"
  "xmpp        18516 xmpp        xmpp        prosody"
  "xmpp-server 18517 xmpp-server xmpp-server prosody"
  "postgres    18518 postgres    postgres    postgres"
  "mysql       18519 mysql       mysql       mariadb"
  "nntp        18520 nntp        nntp        front"
  "sieve       18521 sieve       sieve       dovecot"
  "lmtp        18522 lmtp        lmtp        dovecot"
)

starttls_ports() {
  local line name port
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    echo "$port"
  done
}

# starttls_port NAME: the port of endpoint NAME.
starttls_port() {
  local line name port
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port _ <<<"$line"
    [ "$name" = "$1" ] && echo "$port" && return 0
  done
  return 1
}

# starttls_server SERVER: the server that actually serves an endpoint the table
# gives to SERVER: the test front stands in for postfix where it is not
# installed, or when LAB_STARTTLS_SMTP=front asks for it.
starttls_server() {
  if [ "$1" = postfix ] && { [ "${LAB_STARTTLS_SMTP:-}" = front ] || [ ! -x /usr/lib/postfix/sbin/master ]; }; then
    echo front
  else
    echo "$1"
  fi
}

# starttls_pkg_version PKG: the upstream version of an installed Debian package
# (no epoch, no Debian revision, no +dfsg suffix).
starttls_pkg_version() {
  local v
  v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || v=unknown
  v=${v#*:}
  v=${v%-*}
  echo "${v%%+*}"
}

# starttls_server_name KIND: the server that serves an endpoint, with its version.
starttls_server_name() {
  case "$1" in
    postfix) echo "postfix $(starttls_pkg_version postfix)" ;;
    front) echo "starttls_front.py (test front, Python ssl, $("$(python_bin)" -c 'import ssl; print(*ssl.OPENSSL_VERSION.split()[:2])'))" ;;
    dovecot) echo "dovecot $(starttls_pkg_version dovecot-core)" ;;
    vsftpd) echo "vsftpd $(starttls_pkg_version vsftpd)" ;;
    slapd) echo "slapd $(starttls_pkg_version slapd)" ;;
    prosody) echo "prosody $(starttls_pkg_version prosody)" ;;
    postgres) echo "postgresql $(starttls_pkg_version postgresql-15)" ;;
    mariadb) echo "mariadb $(starttls_pkg_version mariadb-server)" ;;
  esac
}

# starttls_certs DEST OWNER: copy the good chain and key to DEST (which OWNER
# may read; PostgreSQL and MariaDB read them after dropping root).
starttls_certs() {
  local dest=$1 owner=$2
  mkdir -p "$dest"
  cp "$DIR/certs/good.chain.pem" "$dest/server.chain.pem"
  cp "$DIR/certs/good.key" "$dest/server.key"
  cp "$DIR/lab-ca.pem" "$dest/ca.pem"
  chmod 600 "$dest/server.key"
  chown "$owner:" "$dest" "$dest/server.chain.pem" "$dest/server.key" "$dest/ca.pem"
}

# The test front, for every endpoint whose server is "front".
starttls_start_front() {
  local py line name port _sc svc server listen=()
  py=$(python_bin) || die "python3 not found (needed for the STARTTLS test front)"
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port _sc svc server <<<"$line"
    if [ "$(starttls_server "$server")" = front ]; then listen+=(--listen "$svc:$port"); fi
  done
  rm -f "$STARTTLS_DIR/front.pid"
  setsid "$py" "$LAB_SRC/starttls_front.py" --host "$HOST" "${listen[@]}" \
    --cert "$DIR/certs/good.chain.pem" --key "$DIR/certs/good.key" --pidfile "$STARTTLS_DIR/front.pid" \
    </dev/null >>"$DIR/logs/starttls-front.log" 2>&1 &
  record_pid starttls-front $!
}

# Postfix: a private instance (master -c DIR -d) that reads only its own
# main.cf/master.cf, with its queue and data directories under DIR; master.cf
# has nothing but the two smtpd listeners and the services they use. It
# accepts no mail: every relay and recipient is rejected.
starttls_start_postfix() {
  local d="$STARTTLS_DIR/postfix" q
  q="$d/queue"
  mkdir -p "$d/etc" "$d/data" "$q/pid" "$q/private" "$q/public"
  chown postfix: "$d/data" "$q/private"
  chown postfix:postdrop "$q/public"
  chmod 700 "$q/private"
  chmod 710 "$q/public"
  rm -f "$q/pid/master.pid"
  cat >"$d/etc/main.cf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own postfix, loopback only.
compatibility_level = 3.6
queue_directory = $q
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $SNI
mydomain = $SNI
myorigin = $SNI
mydestination =
relayhost =
inet_interfaces = $HOST
inet_protocols = ipv4
alias_maps =
alias_database =
local_recipient_maps =
notify_classes =
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
smtpd_banner = \$myhostname ESMTP
smtpd_tls_security_level = may
smtpd_tls_chain_files = $DIR/certs/good.key, $DIR/certs/good.chain.pem
maillog_file = $DIR/logs/starttls-postfix.log
maillog_file_prefixes = $DIR/logs
EOF
  cat >"$d/etc/master.cf" <<EOF
# Generated by tests/lab/parts/starttls.sh: name type private unpriv chroot wakeup maxproc command
$HOST:$(starttls_port smtp) inet n - n - - smtpd
$HOST:$(starttls_port submission) inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
postlog unix-dgram n - n - 1 postlogd
EOF
  # -d: stay in the foreground, so the recorded pid is master's.
  setsid /usr/lib/postfix/sbin/master -c "$d/etc" -d </dev/null >>"$DIR/logs/starttls-postfix.log" 2>&1 &
  record_pid starttls-postfix $!
}

starttls_start_dovecot() {
  local d="$STARTTLS_DIR/dovecot"
  command -v dovecot >/dev/null || die "dovecot not found (install dovecot-core and its protocol packages)"
  rm -rf "$d/run"
  mkdir -p "$d/run" "$d/state" "$d/home"
  chmod 755 "$d" "$d/run"
  chown dovecot: "$d/home"
  # dovecot reads the key as root (the config process): no copy needed.
  cat >"$d/dovecot.conf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own dovecot, loopback only.
# Read alone (dovecot -c): nothing from /etc/dovecot.
protocols = imap pop3 sieve lmtp
listen = $HOST
base_dir = $d/run
state_dir = $d/state
instance_name = conformscan-lab-starttls
log_path = $DIR/logs/starttls-dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
ssl = yes
ssl_cert = <$DIR/certs/good.chain.pem
ssl_key = <$DIR/certs/good.key
disable_plaintext_auth = yes
auth_mechanisms = plain
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$d/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = $HOST
    port = $(starttls_port imap)
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = $HOST
    port = $(starttls_port pop3)
  }
  inet_listener pop3s {
    port = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    address = $HOST
    port = $(starttls_port sieve)
  }
}
# One lmtp process per connection, as the login services have by default:
# otherwise reused processes, each with its own TLS session cache and ticket
# keys, resume some sessions and not others, at random.
service lmtp {
  service_count = 1
  inet_listener lmtp {
    address = $HOST
    port = $(starttls_port lmtp)
  }
}
EOF
  dovecot -c "$d/dovecot.conf" -n >/dev/null 2>>"$DIR/logs/starttls-dovecot.log" ||
    die "dovecot rejected its configuration (see $DIR/logs/starttls-dovecot.log)"
  setsid dovecot -F -c "$d/dovecot.conf" </dev/null >>"$DIR/logs/starttls-dovecot.log" 2>&1 &
  record_pid starttls-dovecot $!
}

starttls_start_vsftpd() {
  local d="$STARTTLS_DIR/vsftpd"
  command -v vsftpd >/dev/null || die "vsftpd not found (install vsftpd)"
  mkdir -p "$d/empty"
  chmod 755 "$d/empty"
  cat >"$d/vsftpd.conf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own vsftpd, loopback only.
listen=YES
listen_ipv6=NO
listen_address=$HOST
listen_port=$(starttls_port ftp)
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
pasv_enable=NO
port_enable=NO
secure_chroot_dir=$d/empty
xferlog_enable=NO
# A session outlives the listener that lab.sh stops: end idle ones soon.
idle_session_timeout=20
vsftpd_log_file=$DIR/logs/starttls-vsftpd.log
ssl_enable=YES
rsa_cert_file=$DIR/certs/good.chain.pem
rsa_private_key_file=$DIR/certs/good.key
ssl_ciphers=HIGH
# vsftpd 3.0.3 names AUTH TLS in its FEAT reply only with ssl_tlsv1=YES (its
# default); which versions it then negotiates is up to OpenSSL.
ssl_tlsv1=YES
ssl_sslv2=NO
ssl_sslv3=NO
require_ssl_reuse=NO
force_local_logins_ssl=YES
force_local_data_ssl=YES
EOF
  # vsftpd writes its start-up errors ("500 OOPS: ...") to standard input.
  setsid vsftpd "$d/vsftpd.conf" >>"$DIR/logs/starttls-vsftpd.log" 2>&1 0>&1 &
  record_pid starttls-vsftpd $!
}

starttls_start_slapd() {
  local d="$STARTTLS_DIR/slapd"
  command -v slapd >/dev/null || die "slapd not found (install slapd)"
  starttls_certs "$d/tls" openldap
  # slapd writes its pid file after dropping to the openldap user.
  mkdir -p "$d/run"
  chown openldap: "$d/run"
  cat >"$d/slapd.conf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own slapd, loopback only.
# No database: the StartTLS extended operation is the frontend's.
pidfile $d/run/slapd.pid
argsfile $d/run/slapd.args
TLSCACertificateFile $d/tls/ca.pem
TLSCertificateFile $d/tls/server.chain.pem
TLSCertificateKeyFile $d/tls/server.key
TLSVerifyClient never
EOF
  rm -f "$d/run/slapd.pid"
  # -d 0: stay in the foreground (so the recorded pid is slapd's) and log nothing.
  setsid slapd -d 0 -u openldap -g openldap -f "$d/slapd.conf" -h "ldap://$HOST:$(starttls_port ldap)/" \
    </dev/null >>"$DIR/logs/starttls-slapd.log" 2>&1 &
  record_pid starttls-slapd $!
}

starttls_start_prosody() {
  local d="$STARTTLS_DIR/prosody"
  command -v prosody >/dev/null || die "prosody not found (install prosody)"
  starttls_certs "$d/tls" prosody
  mkdir -p "$d/data"
  chown prosody: "$d" "$d/data"
  cat >"$d/prosody.cfg.lua" <<EOF
-- Generated by tests/lab/parts/starttls.sh: the lab's own prosody, loopback only.
pidfile = "$d/prosody.pid"
data_path = "$d/data"
log = { info = "*console" }
interfaces = { "$HOST" }
c2s_ports = { $(starttls_port xmpp) }
s2s_ports = { $(starttls_port xmpp-server) }
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "disco", "tls", "saslauth", "dialback", "ping" }
modules_disabled = { "offline" }
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = false
authentication = "internal_hashed"
certificates = "$d/tls"
ssl = { certificate = "$d/tls/server.chain.pem", key = "$d/tls/server.key" }
VirtualHost "$SNI"
  ssl = { certificate = "$d/tls/server.chain.pem", key = "$d/tls/server.key" }
EOF
  rm -f "$d/prosody.pid"
  setsid setpriv --reuid=prosody --regid=prosody --init-groups prosody --config "$d/prosody.cfg.lua" \
    </dev/null >>"$DIR/logs/starttls-prosody.log" 2>&1 &
  record_pid starttls-prosody $!
}

# PostgreSQL: initdb refuses root, so the cluster belongs to the postgres user.
# starttls_prepare_postgres: its directories and configuration, and the cluster
# itself on the first start.
starttls_prepare_postgres() {
  local d="$STARTTLS_DIR/postgres" bin=/usr/lib/postgresql/15/bin
  [ -x "$bin/postgres" ] || die "PostgreSQL 15 not found (install postgresql)"
  mkdir -p "$d/run"
  chown postgres: "$d" "$d/run"
  starttls_certs "$d/tls" postgres
  if [ ! -s "$d/data/PG_VERSION" ]; then
    rm -rf "$d/data"
    setpriv --reuid=postgres --regid=postgres --init-groups "$bin/initdb" -D "$d/data" -U postgres \
      --auth=trust -E UTF8 --locale=C --no-sync >>"$DIR/logs/starttls-postgres.log" 2>&1 ||
      die "initdb failed (see $DIR/logs/starttls-postgres.log)"
  fi
  cat >"$d/data/postgresql.auto.conf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own PostgreSQL, loopback only.
listen_addresses = '$HOST'
port = $(starttls_port postgres)
unix_socket_directories = '$d/run'
ssl = on
ssl_cert_file = '$d/tls/server.chain.pem'
ssl_key_file = '$d/tls/server.key'
shared_buffers = 16MB
# lab.sh stops servers with SIGTERM, a "smart" shutdown that waits for every
# session: a client that connected and went silent must not hold it up long.
authentication_timeout = 5s
max_connections = 40
fsync = off
logging_collector = off
EOF
  chown postgres: "$d/data/postgresql.auto.conf"
}

starttls_start_postgres() {
  local d="$STARTTLS_DIR/postgres" bin=/usr/lib/postgresql/15/bin
  setsid setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$d/data" \
    </dev/null >>"$DIR/logs/starttls-postgres.log" 2>&1 &
  record_pid starttls-postgres $!
}

# MariaDB: its own datadir, socket and pid file; mariadbd drops to the mysql user.
# starttls_prepare_mariadb: its directories and configuration, and the data
# directory itself on the first start.
starttls_prepare_mariadb() {
  local d="$STARTTLS_DIR/mariadb"
  command -v mariadbd >/dev/null || die "mariadbd not found (install mariadb-server)"
  mkdir -p "$d/run"
  chown mysql: "$d" "$d/run"
  starttls_certs "$d/tls" mysql
  cat >"$d/my.cnf" <<EOF
# Generated by tests/lab/parts/starttls.sh: the lab's own MariaDB, loopback only.
[mariadbd]
user = mysql
datadir = $d/data
socket = $d/run/mysqld.sock
pid-file = $d/run/mysqld.pid
bind-address = $HOST
port = $(starttls_port mysql)
skip-networking = 0
skip-name-resolve
# A scan's many aborted handshakes must not get 127.0.0.1 blocked ("Host is
# blocked because of many connection errors").
max_connect_errors = 4294967295
host_cache_size = 0
ssl_cert = $d/tls/server.chain.pem
ssl_key = $d/tls/server.key
ssl_ca = $d/tls/ca.pem
innodb_buffer_pool_size = 16M
innodb_log_file_size = 8M
performance_schema = OFF
EOF
  if [ ! -d "$d/data/mysql" ]; then
    rm -rf "$d/data"
    # --skip-name-resolve: no look-up of this host's name (grants name 127.0.0.1).
    mariadb-install-db --defaults-file="$d/my.cnf" --user=mysql --skip-test-db --skip-name-resolve \
      --auth-root-authentication-method=normal >>"$DIR/logs/starttls-mariadb.log" 2>&1 ||
      die "mariadb-install-db failed (see $DIR/logs/starttls-mariadb.log)"
  fi
}

starttls_start_mariadb() {
  local d="$STARTTLS_DIR/mariadb"
  setsid mariadbd --defaults-file="$d/my.cnf" </dev/null >>"$DIR/logs/starttls-mariadb.log" 2>&1 &
  record_pid starttls-mariadb $!
}

# Debian starts its packaged daemons on install (scripts/install-deps.sh forbids
# that); one running from the system configuration listens on its default port,
# on every interface for most of them. The lab never uses or stops them (its
# own run from DIR/starttls), but says so.
starttls_warn_foreign() {
  local pid args
  while read -r pid args; do
    case "$args" in *"/starttls/"*) continue ;; esac
    case "$args" in
      /usr/sbin/dovecot* | /usr/sbin/vsftpd* | /usr/sbin/slapd* | /usr/lib/postgresql/*/bin/postgres* | \
        /usr/sbin/mariadbd* | /usr/sbin/mysqld* | /usr/lib/postfix/sbin/master* | *" /usr/bin/prosody"*)
        log "warning: a system instance is running (pid $pid: $args); the lab leaves it alone: stop it with systemctl or service"
        ;;
    esac
  done < <(ps -eo pid=,args= 2>/dev/null || true)
}

# starttls_dir: where the servers' files live (set as STARTTLS_DIR by start and
# cleanup). DIR/starttls, unless the daemons that drop root (postgres, mysql,
# prosody, openldap, dovenull, postfix) cannot reach DIR because a parent
# directory is closed to other users (DIR under /root): then
# /tmp/conformscan-lab/DIR/starttls, whose path still contains DIR, so that
# lab.sh's stop still knows those processes for the lab's own. Logs stay in
# DIR/logs either way: only root writes them.
starttls_dir() {
  if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$DIR" 2>/dev/null; then
    echo "$DIR/starttls"
  else
    echo "/tmp/conformscan-lab$DIR/starttls"
  fi
}

starttls_start() {
  local t0
  t0=$(date +%s.%N)
  starttls_warn_foreign
  chmod 755 "$DIR"
  STARTTLS_DIR=$(starttls_dir)
  (umask 022 && mkdir -p "$STARTTLS_DIR")
  chmod 755 "$STARTTLS_DIR"
  [ "$STARTTLS_DIR" = "$DIR/starttls" ] ||
    log "starttls: $DIR is closed to the servers' own users; their files are in $STARTTLS_DIR"
  starttls_start_front
  if [ "$(starttls_server postfix)" = postfix ]; then starttls_start_postfix; fi
  starttls_start_dovecot
  starttls_start_vsftpd
  starttls_start_slapd
  starttls_start_prosody
  # The databases' first-start initialisation takes seconds: both at once.
  local prep_pg prep_my
  starttls_prepare_postgres &
  prep_pg=$!
  starttls_prepare_mariadb &
  prep_my=$!
  wait "$prep_pg" || die "PostgreSQL could not be set up (see $DIR/logs/starttls-postgres.log)"
  wait "$prep_my" || die "MariaDB could not be set up (see $DIR/logs/starttls-mariadb.log)"
  starttls_start_postgres
  starttls_start_mariadb
  local line name port _sc _svc server
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port _sc _svc server <<<"$line"
    server=$(starttls_server "$server")
    wait_listening "starttls-$server" "$port" "starttls-$server"
  done
  log "starttls: ${#STARTTLS_ENDPOINTS[@]} endpoints listening after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
}

# starttls_probe NAME PORT S_CLIENT: s_client's output for a STARTTLS handshake.
starttls_probe() {
  local port=$2 sc=$3 extra=()
  case "$sc" in xmpp | xmpp-server) extra=(-xmpphost "$SNI") ;; esac
  timeout 15 openssl s_client -starttls "$sc" "${extra[@]}" -connect "$HOST:$port" -servername "$SNI" \
    -verify_hostname "$SNI" -CAfile "$DIR/lab-ca.pem" </dev/null 2>&1 | tr -d '\0' || true
}

starttls_verify() {
  local line name port sc out bad=0 suite
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port sc _ <<<"$line"
    out=$(starttls_probe "$name" "$port" "$sc")
    # The suite from "New, VERSION, Cipher is SUITE" (with stdin at EOF s_client
    # may quit before its "Protocol :" line).
    suite=$(sed -n 's/^New, [^,]*, Cipher is \(.*\)/\1/p' <<<"$out" | sed -n 1p)
    # s_client goes on with the handshake when the server did not offer STARTTLS.
    if grep -qi "didn't find starttls" <<<"$out"; then
      log "FAIL starttls-$name ($HOST:$port): the server does not offer STARTTLS ($sc)"
      bad=1
    elif grep -q 'Verify return code: 0 (ok)' <<<"$out"; then
      log "ok   starttls-$name ($HOST:$port): STARTTLS $sc, cipher ${suite:-?}, verify code 0"
    else
      log "FAIL starttls-$name ($HOST:$port): no verified STARTTLS ($sc) handshake: $(grep -m1 -iE 'error|verify return' <<<"$out")"
      bad=1
    fi
  done
  return $bad
}

starttls_endpoints() {
  local line name port sc svc server
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port sc svc server <<<"$line"
    printf '{"name": "%s", "host": "%s", "port": %s, "sni": "%s", "service": "%s", "starttls": "%s", "server": "%s", "s_client": "%s"}\n' \
      "$name" "$HOST" "$port" "$SNI" "$svc" "$svc" "$(starttls_server_name "$(starttls_server "$server")")" "$sc"
  done
}

starttls_inventory() {
  local line name port sc svc server
  for line in "${STARTTLS_ENDPOINTS[@]}"; do
    read -r name port sc svc server <<<"$line"
    echo "  # $port starttls-$name: $(starttls_server_name "$(starttls_server "$server")")"
    echo "  - {name: starttls-$name, host: $HOST, port: $port, service: $svc, sni: $SNI, tags: [lab, starttls]}"
  done
}

starttls_cleanup() {
  local d
  d=$(starttls_dir)
  [ -d "$d" ] || return 0
  rm -f "$d/front.pid" "$d/slapd/run/slapd.pid" "$d/slapd/run/slapd.args" "$d/prosody/prosody.pid" \
    "$d/mariadb/run/mysqld.pid" "$d/postgres/data/postmaster.pid" "$d/postfix/queue/pid/master.pid"
}
