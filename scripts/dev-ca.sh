#!/usr/bin/env bash
# A local certificate authority for a development cluster, with openssl.
#
#   scripts/dev-ca.sh DIR [--nodes n1,n2,n3] [--san IP:10.0.0.5 ...] [--client NAME] [--days N]
#
# Writes into DIR (created if missing; existing files are kept, so it is safe to run again):
#   ca.crt, ca.key          the CA (EC P-256); clients trust ca.crt (raftchat --tls-ca DIR/ca.crt)
#   <id>.crt, <id>.key      one certificate per node, signed by the CA, key in PKCS#8 PEM (what gRPC
#                           reads); subject alternative names: IP:127.0.0.1, DNS:localhost, DNS:<id>
#                           and every --san given
#   <name>.crt, <name>.key  with --client NAME: a client certificate for mutual TLS (tls.clientCa)
#
# The matching cluster-file section (paths relative to the cluster file):
#   tls: {certChain: DIR/{id}.crt, privateKey: DIR/{id}.key, caCert: DIR/ca.crt}
# For development only: the CA key sits unencrypted next to the certificates.
set -euo pipefail

die() { echo "dev-ca: $*" >&2; exit 2; }
command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"

[[ $# -ge 1 && $1 != -* ]] || die "usage: dev-ca.sh DIR [--nodes n1,n2,n3] [--san IP:ADDR|DNS:NAME ...] [--client NAME] [--days N]"
DIR=$1; shift
NODES=n1,n2,n3
SANS=()
CLIENT=
DAYS=825
while (($#)); do
  case $1 in
    --nodes) NODES=${2:?--nodes needs a list}; shift 2 ;;
    --san) SANS+=("${2:?--san needs IP:ADDR or DNS:NAME}"); shift 2 ;;
    --client) CLIENT=${2:?--client needs a name}; shift 2 ;;
    --days) DAYS=${2:?--days needs a number}; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
for san in "${SANS[@]}"; do
  [[ $san =~ ^(IP|DNS):[A-Za-z0-9.:_-]+$ ]] || die "--san $san: must be IP:ADDRESS or DNS:NAME"
done

mkdir -p "$DIR"
cd "$DIR"
umask 077

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f ca.crt ]]; then
  new_key ca.key
  openssl req -x509 -new -key ca.key -sha256 -days "$DAYS" -subj "/CN=RaftChat dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
  echo "dev-ca: created the CA $DIR/ca.crt"
fi

# sign NAME EXTENSIONS: NAME.key and NAME.crt signed by the CA.
sign() {
  local name=$1 ext=$2
  [[ -f $name.crt ]] && { echo "dev-ca: $DIR/$name.crt exists, kept"; return; }
  new_key "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$DAYS" \
    -extfile <(printf '%s\n' "$ext") -out "$name.crt" 2>/dev/null
  rm -f "$name.csr"
  echo "dev-ca: created $DIR/$name.crt"
}

IFS=, read -r -a ids <<<"$NODES"
for id in "${ids[@]}"; do
  [[ $id =~ ^[a-z0-9][a-z0-9_-]{0,31}$ ]] || die "node id '$id' is not valid"
  san="IP:127.0.0.1,DNS:localhost,DNS:$id"
  for extra in "${SANS[@]}"; do san+=",$extra"; done
  sign "$id" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san"
done
if [[ -n $CLIENT ]]; then
  sign "$CLIENT" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
fi
# Certificates are public; keys stay readable by their owner only.
chmod 644 ./*.crt
