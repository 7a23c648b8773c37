#!/usr/bin/env bash
# Install the Debian 12 packages conformscan needs to build, test and run its
# demo lab. Idempotent: installs only what is missing, and keeps Debian from
# starting the packaged services (nginx, ...) on their default ports.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libssl-dev libcurl4-openssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libasio-dev libsqlite3-dev
  openssl nginx-light python3 python3-cryptography python3-jsonschema procps iproute2 ca-certificates
  lighttpd lighttpd-mod-gnutls gnutls-bin
  dovecot-core dovecot-imapd dovecot-pop3d dovecot-managesieved dovecot-lmtpd
  vsftpd postgresql mariadb-server slapd prosody postfix
  openssh-server openssh-client snmpd snmp socat inetutils-telnetd inetutils-inetd tftpd-hpa curl
  python3-aiosmtpd
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
# Debian starts services on install; the lab runs its own instances on
# loopback only, so forbid starting the packaged ones while installing.
policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Nor at boot (a machine that boots systemd would start them on their default
# ports, most on every interface): disable the STARTTLS lab's daemons installed now.
for p in "${missing[@]}"; do
  case "$p" in
    dovecot-core) unit=dovecot ;;
    mariadb-server) unit=mariadb ;;
    vsftpd | postgresql | slapd | prosody | postfix | snmpd | tftpd-hpa) unit=$p ;;
    openssh-server) unit=ssh ;;
    # The lab's telnetd runs under an inetd of its own (tests/lab/parts/cleartext.sh);
    # the system's would serve /etc/inetd.conf on every interface.
    inetutils-inetd) unit=inetutils-inetd ;;
    *) continue ;;
  esac
  systemctl disable --quiet "$unit" 2>/dev/null || update-rc.d "$unit" disable >/dev/null 2>&1 || true
done
