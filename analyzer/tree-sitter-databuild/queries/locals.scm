; Definitions, references and scopes for DataBuild (.dbuild) files, in
; nvim-treesitter's @local.* convention (go to definition, highlight references,
; smart rename without a language server).
;
; Top-level names are workspace-wide (one namespace for policies, types and
; datasets, one for jobs), so their definitions sit in the file's scope; names
; across files are the language server's job. A job is a scope for its
; parameters, a dataset for its keys (which its `location` interpolates).

(source_file) @local.scope
(job_declaration) @local.scope
(dataset_declaration) @local.scope

; ---- definitions -------------------------------------------------------------

(workspace_declaration name: (identifier) @local.definition.namespace)
(policy_declaration name: (identifier) @local.definition.constant)
(type_declaration name: (identifier) @local.definition.type)
(dataset_declaration name: (identifier) @local.definition.type)
(job_declaration name: (identifier) @local.definition.function)

(parameter name: (identifier) @local.definition.parameter)
(key_declaration name: (identifier) @local.definition.field)
(column_statement name: (identifier) @local.definition.field)
(input_statement name: (identifier) @local.definition.var)
(output_statement name: (identifier) @local.definition.var)

; ---- references --------------------------------------------------------------

; Datasets named by patterns, types named by keys and parameters.
(pattern dataset: (identifier) @local.reference)
(type_identifier (identifier) @local.reference)

; Policies named by taint, deny and removes.
(column_taints (identifier) @local.reference)
(taint_statement (identifier) @local.reference)
(deny_statement (identifier) @local.reference)
(removes_statement (identifier) @local.reference)

; Parameters and keys used in expressions: binding values, arithmetic, calls,
; ranges, bounds and interpolations.
(binding value: (identifier) @local.reference)
(binary_expression left: (identifier) @local.reference)
(binary_expression right: (identifier) @local.reference)
(call_arguments (identifier) @local.reference)
(range start: (identifier) @local.reference)
(range end: (identifier) @local.reference)
(parenthesized_expression (identifier) @local.reference)
(since_bound value: (identifier) @local.reference)
(until_bound value: (identifier) @local.reference)
(interpolation value: (identifier) @local.reference)
