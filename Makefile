# errhint — two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-python test-nvim lint venv bench fuzz clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## demo: set up .venv and explain the errors in a captured Claude Code session
demo: venv
	@$(BIN)/errhint scan samples/claude-session.log; test $$? -le 1

## test: every test — Python unit/CLI, LSP end-to-end, Neovim, VS Code client
test: venv lint test-python test-vscode

test-python: venv
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: venv
	$(BIN)/ruff check server tests bench
	$(BIN)/errhint validate

bench: venv
	command -v rg >/dev/null || apt-get install -y ripgrep >/dev/null 2>&1 || echo 'ripgrep not installed: no rg rows'; $(BIN)/python bench/run.py

fuzz: venv
	ERRHINT_FUZZ_EXAMPLES=5000 ERRHINT_FUZZ_LSP_EXAMPLES=5000 $(BIN)/python -m pytest -q -p no:logging tests/test_document.py tests/test_hardening_lsp_fuzz.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist build

include vscode-client/vscode.mk
