; Folding for DataBuild (.dbuild) files (Neovim: foldmethod=expr with
; vim.treesitter.foldexpr()). Whole declarations fold rather than their bodies,
; so the fold line keeps the name and keys; multi-line lists fold on their own.

[
  (workspace_declaration)
  (dataset_declaration)
  (job_declaration)
  (key_list)
  (parameter_list)
  (binding_list)
  (column_list)
  (argument_list)
  (enum_type)
] @fold
