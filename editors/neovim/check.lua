-- Headless Neovim check of `gfplint lsp` (Neovim 0.7+: vim.lsp.start_client; 0.8+
-- has vim.lsp.start, see README). Attaches the server to FILE, prints the diagnostics
-- received, edits the buffer (unsaved) to add an allocation under a spinlock at the
-- end, prints the diagnostics again, then the hover of the first function and the
-- code actions of the new finding.
--
--   GFPLINT=target/release/gfplint ROOT=dir FILE=dir/x.c \
--     nvim --headless -u NONE -c 'luafile editors/neovim/check.lua'
local bin, root, file = os.getenv("GFPLINT"), os.getenv("ROOT"), os.getenv("FILE")
local function out(s) io.stdout:write(s .. "\n") end

local received = 0
local client_id = vim.lsp.start_client({
  name = "gfplint",
  cmd = { bin, "lsp" },
  root_dir = root,
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      received = received + 1
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
vim.cmd("edit " .. file)
vim.lsp.buf_attach_client(0, client_id)

local function show(title)
  out("== " .. title)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    out(string.format("%s:%d:%d: [%s] %s", vim.fn.fnamemodify(file, ":t"), d.lnum + 1, d.col + 1,
      tostring(d.code), (d.message:gsub("\n.*", ""))))
    local lsp = d.user_data and d.user_data.lsp or {}
    for _, r in ipairs(lsp.relatedInformation or {}) do
      out(string.format("    related: %s:%d: %s", vim.fn.fnamemodify(vim.uri_to_fname(r.location.uri), ":t"),
        r.location.range.start.line + 1, r.message))
    end
  end
end

if not vim.wait(120000, function() return received > 0 end, 100) then
  out("no diagnostics received in 120 s")
  vim.cmd("qa!")
end
show("on open (" .. received .. " publication(s))")

local before = received
local n = vim.api.nvim_buf_line_count(0)
vim.api.nvim_buf_set_lines(0, n, n, false, {
  "static void nvim_probe(spinlock_t *l, void **p)",
  "{",
  "\tspin_lock(l);",
  "\t*p = kmalloc(64, GFP_KERNEL);",
  "\tspin_unlock(l);",
  "}",
})
vim.wait(30000, function() return received > before end, 50)
show("after the unsaved edit")

local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = n, character = 13 },
}, 10000)
for _, r in pairs(hover or {}) do
  if r.result then out("== hover on nvim_probe\n" .. r.result.contents.value) end
end

-- HOVER=LINE:COL (1-based) hovers there too (e.g. on a function of the file).
local hl, hc = (os.getenv("HOVER") or ""):match("(%d+):(%d+)")
if hl then
  local r = vim.lsp.buf_request_sync(0, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = tonumber(hl) - 1, character = tonumber(hc) - 1 },
  }, 10000)
  for _, x in pairs(r or {}) do
    if x.result then out("== hover at " .. hl .. ":" .. hc .. "\n" .. x.result.contents.value) end
  end
end

-- As vim.lsp.buf.code_action() does: the line's diagnostics back in LSP form.
local lsp_diags = vim.lsp.diagnostic.get_line_diagnostics(0, n + 3)
local actions = vim.lsp.buf_request_sync(0, "textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  range = { start = { line = n + 3, character = 0 }, ["end"] = { line = n + 3, character = 0 } },
  context = { diagnostics = lsp_diags },
}, 10000)
out("== code actions on the new finding")
out("  (sent " .. #lsp_diags .. " diagnostic(s))")
if os.getenv("DEBUG") then out(vim.inspect(lsp_diags)) end
for _, r in pairs(actions or {}) do
  if r.err then out("  error: " .. vim.inspect(r.err)) end
  for _, a in ipairs(r.result or {}) do out("  " .. a.title) end
end
vim.cmd("qa!")
