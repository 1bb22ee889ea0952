; Syntax highlighting for DataBuild (.dbuild) files.
;
; Capture names follow nvim-treesitter's standard list. General patterns come
; first and more specific ones after them (the later match wins in Neovim).

; ---- identifiers (fallback) ------------------------------------------------

(identifier) @variable

; ---- declarations ------------------------------------------------------------

(workspace_declaration name: (identifier) @module)
(policy_declaration name: (identifier) @label)
(type_declaration name: (identifier) @type)
(dataset_declaration name: (identifier) @type)
(job_declaration name: (identifier) @function)

; ---- types -------------------------------------------------------------------

(type_identifier (identifier) @type)
((type_identifier (identifier) @type.builtin)
  (#any-of? @type.builtin
    "date" "hour" "month" "int" "string" "float" "bool" "timestamp" "bytes"))

(enum_type (identifier) @constant)

; ---- keys, parameters, columns, ports ----------------------------------------

(key_declaration name: (identifier) @property)
(parameter name: (identifier) @variable.parameter)
(column_statement name: (identifier) @property)
(column_list (identifier) @property)
(binding key: (identifier) @property)
(pattern dataset: (identifier) @type)
(input_statement name: (identifier) @variable)
(output_statement name: (identifier) @variable)
(env_statement name: (identifier) @constant)
(format_statement name: (identifier) @constant)

; Policies (data-usage labels) wherever they are named.
(column_taints (identifier) @label)
(taint_statement (identifier) @label)
(deny_statement (identifier) @label)
(removes_statement (identifier) @label)

; ---- expressions -------------------------------------------------------------

(call_expression function: (identifier) @function.builtin)
(now) @constant.builtin
(wildcard) @constant.builtin

(binary_expression operator: _ @operator)
[
  "="
  ".."
] @operator

; ---- punctuation -------------------------------------------------------------

[
  "("
  ")"
  "["
  "]"
] @punctuation.bracket

; Braces of bodies and column lists; interpolation braces are below.
(workspace_declaration ["{" "}"] @punctuation.bracket)
(dataset_body ["{" "}"] @punctuation.bracket)
(job_body ["{" "}"] @punctuation.bracket)
(column_list ["{" "}"] @punctuation.bracket)

[
  ","
  ":"
] @punctuation.delimiter

; ---- literals ----------------------------------------------------------------

(integer) @number
(duration) @number
(date) @number
(hour) @number
(month) @number

(string) @string
(template_string) @string
(escape_sequence) @string.escape
(brace_escape) @string.escape
(interpolation
  [
    "{"
    "}"
  ] @punctuation.special)
(interpolation ":" @punctuation.special)
(format_spec) @string.special
; Interpolated names: job parameters in `run` / `env`, keys in `location`.
(interpolation value: (identifier) @variable.parameter)
(location_statement
  (template_string (interpolation value: (identifier) @property)))

(comment) @comment

; ---- keywords ----------------------------------------------------------------

[
  "workspace"
  "policy"
  "type"
  "dataset"
] @keyword

"job" @keyword.function

[
  "data_root"
  "catalog"
  "enum"
  "since"
  "until"
  "column"
  "taint"
  "format"
  "deny"
  "location"
  "ready"
  "wait"
  "input"
  "output"
  "removes"
  "because"
  "run"
  "env"
  "retries"
  "timeout"
  "version"
  "in"
] @keyword

(external_statement) @keyword
