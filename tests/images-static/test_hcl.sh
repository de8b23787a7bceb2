#!/usr/bin/env bash
# The image definitions, statically: every packer/*.pkr.hcl, images/*.pkrvars.hcl and
# examples/terraform/*.tf parses with HashiCorp's HCL2 parser, every var.X/local.X is declared,
# and every image definition sets what the Packer template needs, with values its validation
# blocks accept (tests/images-static/hclcheck). Then the same check must FAIL on broken copies.
set -euo pipefail
src=${KA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${KA_BUILD_DIR:-$src/build}
command -v go > /dev/null || { echo "SKIP: no go toolchain (scripts/setup-debian.sh installs one)"; exit 77; }

# Built offline from the module cache that scripts/setup-debian.sh filled (GOPROXY=off: a test
# never reaches a registry).
checker=$build/hclcheck
if ! out=$(cd "$src/tests/images-static/hclcheck" && GOFLAGS="-mod=readonly -buildvcs=false" GOPROXY=off go build -o "$checker" . 2>&1); then
  echo "$out"
  if grep -q "GOPROXY=off\|module lookup disabled" <<< "$out"; then
    echo "SKIP: the HCL2 parser's Go modules are not in the module cache: run scripts/setup-debian.sh"; exit 77
  fi
  exit 1
fi

check() { (cd "$1" && "$checker" -varfiles packer=images packer examples/terraform); }

echo "== the tree as committed"
check "$src"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
# expect_failure NAME EXPECTED-TEXT COMMAND...: the command breaks a fresh copy; the check must fail saying EXPECTED-TEXT
expect_failure() {
  local name=$1 want=$2; shift 2
  rm -rf "$tmp/t"; mkdir -p "$tmp/t/examples"
  cp -r "$src/packer" "$src/images" "$tmp/t/"; cp -r "$src/examples/terraform" "$tmp/t/examples/"
  (cd "$tmp/t" && "$@")
  local out rc=0
  out=$(check "$tmp/t") || rc=$?
  if [ "$rc" -ne 1 ] || ! grep -qF -- "$want" <<< "$out"; then
    echo "FAIL: $name: want exit 1 and '$want', got exit $rc:"; echo "$out"; fails=$((fails + 1))
  else
    echo "ok: $name: $(grep -F -- "$want" <<< "$out" | head -1)"
  fi
}

echo "== broken copies must fail"
expect_failure "syntax error" "packer/kafka-appliance.pkr.hcl:" \
  sed -i '0,/^}/s/^}$//' packer/kafka-appliance.pkr.hcl
expect_failure "undeclared variable in the template" "var.instance_typo is used but no variable" \
  sed -i 's/var\.instance_type/var.instance_typo/' packer/kafka-appliance.pkr.hcl
expect_failure "undeclared local in terraform" "local.controllerz is used" \
  sed -i 's/local\.controllers$/local.controllerz/' examples/terraform/outputs.tf
expect_failure "undeclared variable in terraform" "var.broker_cnt is used" \
  sed -i 's/var\.broker_count$/var.broker_cnt/' examples/terraform/main.tf
expect_failure "image definition without a role" 'broker.pkrvars.hcl does not set "role"' \
  sed -i '/^role/d' images/broker.pkrvars.hcl
expect_failure "image definition sets an unknown variable" 'sets "kafka_versoin"' \
  sed -i 's/^kafka_version/kafka_versoin/' images/controller.pkrvars.hcl
expect_failure "image definition with a bad role" "fails the template's validation: The role must be" \
  sed -i 's/^role .*/role = "brokr"/' images/combined.pkrvars.hcl
expect_failure "image definition with a bad version" "fails the template's validation: The Kafka version" \
  sed -i 's/^kafka_version .*/kafka_version = "latest"/' images/zookeeper.pkrvars.hcl
expect_failure "image definition with a computed value" "must be a constant" \
  sed -i 's/^role .*/role = var.x/' images/broker.pkrvars.hcl
expect_failure "no image definitions" "no .pkrvars.hcl image definition" \
  sh -c 'rm images/*.pkrvars.hcl'
[ "$fails" -eq 0 ] || { echo "$fails broken cop(ies) passed the check"; exit 1; }
echo "images-static: the tree passes, 10 broken copies fail"
