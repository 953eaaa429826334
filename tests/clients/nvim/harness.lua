-- Headless Neovim (0.7+) harness: loads the documented dockwise snippet (DOCKWISE_SNIPPET),
-- opens the fixture workspace (DOCKWISE_WS) and writes what it saw to DOCKWISE_OUT (JSON).
-- Exit status: 0 all checks passed, 1 a check failed, 2 harness error.
local ws = assert(os.getenv('DOCKWISE_WS'), 'DOCKWISE_WS')
local out = assert(os.getenv('DOCKWISE_OUT'), 'DOCKWISE_OUT')
local snippet = assert(os.getenv('DOCKWISE_SNIPPET'), 'DOCKWISE_SNIPPET')
vim.lsp.set_log_level('error')

local R = { checks = {}, timings = {}, notes = {} }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
local function check(name, ok, detail)
  R.checks[name] = { ok = ok and true or false, detail = detail }
  return ok
end

dofile(snippet)   -- the configuration from docs/editors/neovim.md, verbatim

local function client()
  for _, c in pairs(vim.lsp.get_active_clients()) do
    if c.name == 'dockwise' then return c end
  end
end

local function lsp_diag(d)
  return { range = { start = { line = d.lnum, character = d.col },
                     ['end'] = { line = d.end_lnum, character = d.end_col } },
           message = d.message, severity = d.severity, code = d.code, source = d.source,
           data = d.user_data and d.user_data.lsp and d.user_data.lsp.data or nil }
end

local function diags(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, { code = d.code, line = d.lnum, col = d.col, severity = d.severity,
                         message = d.message, source = d.source })
  end
  table.sort(list, function(a, b) return a.line < b.line or (a.line == b.line and a.col < b.col) end)
  return list
end

local function find_diag(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then return d end
  end
end

local function request(buf, method, params, timeout)
  local res = vim.lsp.buf_request_sync(buf, method, params, timeout or 5000)
  if not res then return nil, 'timeout' end
  for _, r in pairs(res) do
    if r.err then return nil, vim.inspect(r.err) end
    return r.result
  end
  return nil, 'no response'
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/' .. name))
  return vim.api.nvim_get_current_buf()
end

local function apply_action(buf, code, title_pattern)
  local d = find_diag(buf, code)
  if not d then return false, 'no ' .. code .. ' diagnostic' end
  local ld = lsp_diag(d)
  local acts, err = request(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, range = ld.range,
    context = { diagnostics = { ld } } })
  if not acts then return false, 'codeAction: ' .. tostring(err) end
  local titles, chosen = {}, nil
  for _, a in ipairs(acts) do
    table.insert(titles, a.title)
    if not chosen and a.title:match(title_pattern) then chosen = a end
  end
  R.notes[code .. '_actions'] = titles
  if not chosen then return false, 'no action matching ' .. title_pattern .. ' in ' .. vim.inspect(titles) end
  if not chosen.edit then
    local resolved, rerr = request(buf, 'codeAction/resolve', chosen)
    if not resolved then return false, 'resolve: ' .. tostring(rerr) end
    chosen = resolved
  end
  if not chosen.edit then return false, 'action without an edit: ' .. vim.inspect(chosen) end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client().offset_encoding)
  local gone = vim.wait(8000, function() return find_diag(buf, code) == nil end, 10)
  return gone, chosen.title
end

local function run()
  -- Dockerfile: the snippet's FileType autocmd starts the client and attaches the buffer
  -- (Neovim 0.7 lists a client in get_active_clients() once it is initialized)
  local buf = open('Dockerfile')
  check('client_started', #vim.lsp.buf_get_clients(buf) > 0 or vim.wait(15000, function() return client() ~= nil end, 10),
        'vim.lsp.start_client from the documented snippet')
  local c = client()
  R.timings.initialized_ms = ms()
  if not check('initialized', c ~= nil and c.initialized, 'initialize answered') then return 1 end
  vim.wait(15000, function() return find_diag(buf, 'DF202') and find_diag(buf, 'DF301') end, 10)
  R.timings.dockerfile_diagnostics_ms = ms()
  R.dockerfile_diagnostics = diags(buf)
  local df202 = find_diag(buf, 'DF202')
  check('dockerfile_diagnostics', df202 ~= nil and df202.lnum == 5 and find_diag(buf, 'DF301') ~= nil,
        R.dockerfile_diagnostics)

  -- hover the image of `FROM python:3.12 AS build`
  local hov, herr = request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 0, character = 8 } })
  local text = ''
  if hov and hov.contents then
    text = type(hov.contents) == 'string' and hov.contents or (hov.contents.value or vim.inspect(hov.contents))
  end
  R.hover = text ~= '' and text or herr
  R.hover_lines = vim.lsp.util.convert_input_to_markdown_lines(hov and hov.contents or '')
  check('hover_image', text ~= '', text)

  -- code actions: pin `latest`, then add a non-root USER
  local ok1, t1 = apply_action(buf, 'DF202', '^Pin ')
  check('action_pin_latest', ok1, { title = t1, line = vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1] })
  local ok2, t2 = apply_action(buf, 'DF301', 'non%-root USER')
  check('action_non_root_user', ok2, { title = t2, text = vim.api.nvim_buf_get_lines(buf, 0, -1, false) })
  R.timings.actions_ms = ms()
  R.dockerfile_after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  R.dockerfile_diagnostics_after = diags(buf)

  -- formatting: a badly laid out instruction typed at the end, formatted by the server
  local n = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_buf_set_lines(buf, n, n, false, { '  label   a=b \\', '   c=d   ' })
  local edits, ferr = request(buf, 'textDocument/formatting', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 2, insertSpaces = true } })
  if edits then vim.lsp.util.apply_text_edits(edits, buf, c.offset_encoding) end
  R.formatted_tail = vim.api.nvim_buf_get_lines(buf, n, n + 2, false)
  check('formatting', edits ~= nil and R.formatted_tail[1] == 'LABEL a=b \\'
        and R.formatted_tail[2] == '  c=d', { err = ferr, lines = R.formatted_tail })
  vim.api.nvim_buf_set_lines(buf, n, n + 2, false, {})

  -- Compose file (filetype yaml, attached by name)
  local cbuf = open('compose.yaml')
  R.compose_filetype = vim.bo[cbuf].filetype
  local attached = vim.wait(5000, function() return vim.lsp.buf_get_clients(cbuf)[c.id] ~= nil end, 10)
  check('compose_attached', attached, 'yaml buffer attached by file name')
  vim.wait(15000, function() return find_diag(cbuf, 'DC101') ~= nil end, 10)
  R.timings.compose_diagnostics_ms = ms()
  R.compose_diagnostics = diags(cbuf)
  check('compose_diagnostics', find_diag(cbuf, 'DC101') ~= nil, R.compose_diagnostics)

  -- completion inside the GPU devices block: start a new list item
  local last = vim.api.nvim_buf_line_count(cbuf)
  vim.api.nvim_buf_set_lines(cbuf, last, last, false, { '            - ' })
  local comp, cerr = request(cbuf, 'textDocument/completion', {
    textDocument = { uri = vim.uri_from_bufnr(cbuf) }, position = { line = last, character = 14 } })
  local labels = {}
  local items = comp and (comp.items or comp) or {}
  for _, it in ipairs(items) do table.insert(labels, it.label) end
  R.completion_labels = #labels > 0 and labels or cerr
  check('completion_gpu_devices', vim.tbl_contains(labels, 'nvidia GPU (count)'), labels)
  vim.api.nvim_buf_set_lines(cbuf, last, last + 1, false, {})
  R.timings.total_ms = ms()

  for _, v in pairs(R.checks) do
    if not v.ok then return 1 end
  end
  return 0
end

local function finish(rc)
  R.rc = rc
  local f = io.open(out, 'w')
  f:write(vim.json.encode(R))
  f:close()
  local c = client()
  if c then
    vim.lsp.stop_client(c.id)
    vim.wait(3000, function() return vim.lsp.client_is_stopped(c.id) end, 10)
  end
  vim.cmd(('cquit %d'):format(rc))
end

vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function()
  vim.schedule(function()
    local ok, rc = xpcall(run, debug.traceback)
    if not ok then
      R.error = rc
      rc = 2
    end
    finish(rc)
  end)
end })
