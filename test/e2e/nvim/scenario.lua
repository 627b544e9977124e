-- One end-to-end scenario in headless Neovim, with its built-in LSP client configured the way the README
-- tells users (vim.lsp.start_client from a FileType autocmd: Debian's 0.7 has no vim.lsp.start). It
-- opens a file, waits until the diagnostic the test expects arrives, applies a code action chosen by title
-- through vim.lsp.buf.code_action() (vim.ui.select answered by title, as a person picks from the menu),
-- writes the file, waits until the server's diagnostics no longer carry the code, and reads the hover
-- float at a position. Every wait is on a state (a diagnostic, a buffer change, a response); the time
-- limits only turn a hang into a failure. The result is one JSON file the test asserts on.
local api = vim.api
local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('E2E_CONFIG')), '\n'))
local out = { errors = {}, timings_ms = vim.empty_dict() }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
local LIMIT = cfg.limit_ms
vim.lsp.set_log_level(os.getenv('E2E_NVIM_LSP_LOG') or 'warn')

local function finish(code)
  out.timings_ms.total = ms()
  vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv('E2E_OUT'))
  for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(2000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end

local function fail(msg)
  table.insert(out.errors, msg)
  finish(1)
end

local function codes(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(list, { code = lsp.code or d.code or vim.NIL, message = d.message, line = d.lnum + 1, col = d.col + 1 })
  end
  return list
end

local function has_code(bufnr, code)
  for _, d in ipairs(codes(bufnr)) do
    if d.code == code then return true end
  end
  return false
end

local function main()
  local root = cfg.root
  local client_id = vim.lsp.start_client({
    name = 'tenant-policy',
    cmd = cfg.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    on_init = function() out.initialized_ms = ms() end,
    on_exit = function(code) out.server_exit = code end,
  })
  if not client_id then return fail('vim.lsp.start_client failed') end
  local attached = false
  api.nvim_create_autocmd('FileType', {
    pattern = 'yaml',
    callback = function(args) attached = vim.lsp.buf_attach_client(args.buf, client_id) end,
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.file))
  local bufnr = api.nvim_get_current_buf()
  if not attached then return fail('the FileType autocmd did not attach the client') end

  -- Diagnostics: wait for the expected code (the server pushes them: 0.7 has no pull diagnostics).
  if not vim.wait(LIMIT, function() return has_code(bufnr, cfg.expect_code) end, 20) then
    out.diagnostics = codes(bufnr)
    return fail('no ' .. cfg.expect_code .. ' diagnostic within ' .. LIMIT .. ' ms')
  end
  out.timings_ms.diagnostics = ms()
  out.diagnostics = codes(bufnr)

  -- Code action at the diagnostic, chosen by title from the menu Neovim offers.
  api.nvim_win_set_cursor(0, { cfg.action_at[1], cfg.action_at[2] - 1 })
  local offered, chosen = nil, nil
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    for _, item in ipairs(items) do
      local action = item[2] or item
      table.insert(offered, action.title)
      if not chosen and action.title == cfg.action_title then chosen = item end
    end
    on_choice(chosen)
  end
  local tick = api.nvim_buf_get_changedtick(bufnr)
  vim.lsp.buf.code_action()
  local changed = vim.wait(LIMIT, function() return api.nvim_buf_get_changedtick(bufnr) ~= tick end, 20)
  vim.ui.select = select
  out.code_actions = offered or {}
  if not changed then return fail('the code action "' .. cfg.action_title .. '" did not change the buffer') end
  out.timings_ms.code_action = ms()

  -- Save, then wait until the server, told of the change, stops reporting the code.
  vim.cmd('silent write')
  if not vim.wait(LIMIT, function() return not has_code(bufnr, cfg.expect_code) end, 20) then
    out.diagnostics_after = codes(bufnr)
    return fail(cfg.expect_code .. ' still reported after the fix')
  end
  out.diagnostics_after = codes(bufnr)
  out.timings_ms.fixed = ms()

  -- Hover: what the floating window shows.
  api.nvim_win_set_cursor(0, { cfg.hover_at[1], cfg.hover_at[2] - 1 })
  local hover_done = false
  local default_hover = vim.lsp.handlers['textDocument/hover']
  vim.lsp.handlers['textDocument/hover'] = function(err, result, ctx, config)
    out.hover_error = err and err.message or vim.NIL
    local bufnr_float, winnr = default_hover(err, result, ctx, config)
    if winnr and api.nvim_win_is_valid(winnr) then
      out.hover = table.concat(api.nvim_buf_get_lines(api.nvim_win_get_buf(winnr), 0, -1, false), '\n')
    end
    hover_done = true
    return bufnr_float, winnr
  end
  out.hover_supported = vim.lsp.get_client_by_id(client_id).resolved_capabilities.hover or false
  vim.lsp.buf.hover()
  if not vim.wait(LIMIT, function() return hover_done end, 20) then return fail('no hover answer') end
  out.timings_ms.hover = ms()
  finish(0)
end

-- After startup, as a user's session: filetype detection is switched on once the init file has run.
api.nvim_create_autocmd('VimEnter', {
  callback = function()
    -- Scheduled: inside VimEnter, `:edit` would not fire the (non-nested) filetype autocommands.
    vim.schedule(function()
      local ok, err = pcall(main)
      if not ok then fail('scenario crashed: ' .. tostring(err)) end
    end)
  end,
})
