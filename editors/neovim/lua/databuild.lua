-- DataBuild in Neovim: .dbuild files get the filetype `databuild`, and each is
-- attached to a databuild-lsp client for its workspace (the nearest directory
-- upwards with workspace.dbuild). docs/editors.md quotes this file and the
-- end-to-end test tests/lit/lsp/neovim.test loads it, so what the docs show is
-- what is tested. Written for Neovim 0.7 (Debian 12) and later: no vim.fs, and
-- vim.lsp.start (0.8) only when it is there.
local M = {}

local function workspace_root(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  local marker = vim.fn.findfile('workspace.dbuild', dir .. ';')
  return marker ~= '' and vim.fn.fnamemodify(marker, ':p:h') or dir
end

-- Neovim 0.7 has no vim.lsp.start, which reuses a client per name and root:
-- start_client starts a new server each call, so clients are kept by root here.
local clients = {}

local function attach(bufnr, config)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients[config.root_dir]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- opts.cmd: how to run the server, { 'databuild-lsp' } (found on PATH) by default.
function M.setup(opts)
  local cmd = (opts or {}).cmd or { 'databuild-lsp' }
  local group = vim.api.nvim_create_augroup('databuild', { clear = true })
  -- An autocommand rather than vim.filetype.add, which 0.7 ignores unless
  -- g:do_filetype_lua is set.
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.dbuild',
    command = 'setfiletype databuild',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'databuild',
    callback = function(args)
      vim.bo[args.buf].commentstring = '# %s'
      attach(args.buf, {
        name = 'databuild',
        cmd = cmd,
        root_dir = workspace_root(vim.api.nvim_buf_get_name(args.buf)),
      })
    end,
  })
end

return M
