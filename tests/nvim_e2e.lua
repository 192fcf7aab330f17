-- Driven by tests/test_neovim.py: the docs/editors.md configuration in a real headless Neovim.
local out = {}
local function finish(ok, msg)
  out.ok = ok
  out.msg = msg
  local f = io.open(vim.env.ERRHINT_NVIM_RESULT, 'w')
  f:write(vim.json.encode(out))
  f:close()
  vim.cmd('qa!')
end

vim.lsp.config('errhint', {
  cmd = { vim.env.ERRHINT_PYTHON, '-m', 'errhint', 'serve' },
  filetypes = { 'log', 'text', 'messages' },
  root_markers = { '.errhint', '.git' },
  init_options = { minConfidence = 0.5 },
})
vim.lsp.enable('errhint')
vim.filetype.add({ extension = { log = 'log', out = 'log', err = 'log' } })

-- A real init.lua runs before filetype detection is switched on; this script acts immediately.
vim.cmd('filetype on')
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.ERRHINT_LOG))
local buf = vim.api.nvim_get_current_buf()

local ok = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 100)
if not ok then return finish(false, 'no diagnostics within 30 s') end
local d = vim.diagnostic.get(buf)[1]
out.diagnostic = { lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code, source = d.source,
                   message = d.message, severity = d.severity }

local client = vim.lsp.get_clients({ bufnr = buf, name = 'errhint' })[1]
local pos = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = d.lnum, character = d.col + 2 } }
local hover = client:request_sync('textDocument/hover', pos, 10000, buf)
out.hover = hover and hover.result and hover.result.contents and hover.result.contents.value or ''

local range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }
local lsp_diag = d.user_data and d.user_data.lsp or {}
local actions = client:request_sync('textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) }, range = range,
  context = { diagnostics = { lsp_diag } },
}, 10000, buf)
out.actions = {}
for _, a in ipairs(actions and actions.result or {}) do
  table.insert(out.actions, { title = a.title, kind = a.kind, command = a.command and a.command.command })
end
finish(true, 'ok')
