// The tree-sitter grammar of the DataBuild definition language (.dbuild files).
//
// Every statement starts with its own keyword, so newlines are plain whitespace
// and error recovery can resynchronise on the next keyword: one typo costs one
// ERROR node, not the rest of the file. Types, column types and enum values are
// plain identifiers here; the analyzer decides what they name, so a key called
// `date` of type `date` needs no special case and an unknown type gets a
// semantic diagnostic instead of a syntax error.
//
// Strings come in two kinds that share the quote token: `string` (no
// interpolation) and `template_string` (`{expr[:format]}` interpolation with
// `{{`/`}}` escapes), the latter only where the language interpolates: `run`,
// `env` and `location`.

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)), optional(','));
const commaSep = (rule) => optional(commaSep1(rule));

module.exports = grammar({
  name: 'databuild',

  word: ($) => $.identifier,

  extras: ($) => [/\s/, $.comment],

  supertypes: ($) => [$._declaration, $._expression],

  rules: {
    source_file: ($) => repeat($._declaration),

    _declaration: ($) =>
      choice(
        $.workspace_declaration,
        $.policy_declaration,
        $.type_declaration,
        $.dataset_declaration,
        $.job_declaration,
      ),

    // ---- workspace -------------------------------------------------------

    workspace_declaration: ($) =>
      seq(
        'workspace',
        field('name', $.identifier),
        '{',
        repeat(choice($.data_root_statement, $.catalog_statement)),
        '}',
      ),
    data_root_statement: ($) => seq('data_root', field('path', $.string)),
    catalog_statement: ($) => seq('catalog', field('path', $.string)),

    // ---- policy and type ------------------------------------------------

    policy_declaration: ($) => seq('policy', field('name', $.identifier)),

    type_declaration: ($) =>
      seq('type', field('name', $.identifier), '=', field('value', $.enum_type)),

    enum_type: ($) => seq('enum', '(', commaSep($._enum_value), ')'),
    _enum_value: ($) => choice($.identifier, $.string),

    _key_type: ($) => choice($.type_identifier, $.enum_type),
    type_identifier: ($) => $.identifier,

    // ---- dataset -------------------------------------------------------

    dataset_declaration: ($) =>
      seq(
        'dataset',
        field('name', $.identifier),
        optional(field('keys', $.key_list)),
        optional(field('body', $.dataset_body)),
      ),

    key_list: ($) => seq('[', commaSep($.key_declaration), ']'),

    key_declaration: ($) =>
      seq(
        field('name', $.identifier),
        ':',
        field('type', $._key_type),
        optional(field('since', $.since_bound)),
        optional(field('until', $.until_bound)),
      ),
    since_bound: ($) => seq('since', field('value', $._expression)),
    until_bound: ($) => seq('until', field('value', $._expression)),

    dataset_body: ($) =>
      seq(
        '{',
        repeat(
          choice(
            $.column_statement,
            $.format_statement,
            $.taint_statement,
            $.deny_statement,
            $.external_statement,
            $.location_statement,
            $.ready_statement,
            $.wait_statement,
          ),
        ),
        '}',
      ),

    column_statement: ($) =>
      seq(
        'column',
        field('name', $.identifier),
        ':',
        field('type', $.type_identifier),
        optional(field('taints', $.column_taints)),
      ),
    column_taints: ($) => seq('(', 'taint', commaSep1($.identifier), ')'),
    format_statement: ($) => seq('format', field('name', $.identifier)),
    taint_statement: ($) => seq('taint', commaSep1($.identifier)),
    deny_statement: ($) => seq('deny', commaSep1($.identifier)),
    external_statement: (_) => 'external',
    location_statement: ($) => seq('location', field('template', $.template_string)),
    ready_statement: ($) => seq('ready', field('file', $.string)),
    wait_statement: ($) => seq('wait', field('duration', $.duration)),

    // ---- job -------------------------------------------------------------

    job_declaration: ($) =>
      seq(
        'job',
        field('name', $.identifier),
        optional(field('parameters', $.parameter_list)),
        field('body', $.job_body),
      ),

    parameter_list: ($) => seq('(', commaSep($.parameter), ')'),
    parameter: ($) => seq(field('name', $.identifier), ':', field('type', $._key_type)),

    job_body: ($) =>
      seq(
        '{',
        repeat(
          choice(
            $.input_statement,
            $.output_statement,
            $.removes_statement,
            $.run_statement,
            $.env_statement,
            $.retries_statement,
            $.timeout_statement,
            $.version_statement,
          ),
        ),
        '}',
      ),

    input_statement: ($) =>
      seq(
        'input',
        field('name', $.identifier),
        '=',
        field('pattern', $.pattern),
        optional(field('columns', $.column_list)),
      ),
    column_list: ($) => seq('{', commaSep($.identifier), '}'),
    output_statement: ($) =>
      seq('output', field('name', $.identifier), '=', field('pattern', $.pattern)),
    removes_statement: ($) =>
      seq('removes', commaSep1($.identifier), 'because', field('reason', $.string)),
    run_statement: ($) => seq('run', field('arguments', $.argument_list)),
    argument_list: ($) => seq('[', commaSep($.template_string), ']'),
    env_statement: ($) =>
      seq('env', field('name', $.identifier), '=', field('value', $.template_string)),
    retries_statement: ($) => seq('retries', field('count', $.integer)),
    timeout_statement: ($) => seq('timeout', field('duration', $.duration)),
    version_statement: ($) => seq('version', field('value', $.string)),

    // ---- patterns and expressions ---------------------------------------

    pattern: ($) =>
      seq(field('dataset', $.identifier), optional(field('bindings', $.binding_list))),
    binding_list: ($) => seq('[', commaSep($.binding), ']'),
    binding: ($) =>
      seq(
        field('key', $.identifier),
        choice(
          seq(field('operator', '='), field('value', choice($._expression, $.wildcard))),
          seq(field('operator', 'in'), field('value', choice($.range, $._expression))),
        ),
      ),
    wildcard: (_) => '*',
    range: ($) => seq(field('start', $._expression), '..', field('end', $._expression)),

    _expression: ($) =>
      choice(
        $.identifier,
        $.integer,
        $.date,
        $.hour,
        $.month,
        $.duration,
        $.string,
        $.now,
        $.binary_expression,
        $.call_expression,
        $.parenthesized_expression,
      ),
    binary_expression: ($) =>
      prec.left(
        1,
        seq(
          field('left', $._expression),
          field('operator', choice('+', '-')),
          field('right', $._expression),
        ),
      ),
    call_expression: ($) =>
      seq(field('function', $.identifier), field('arguments', $.call_arguments)),
    call_arguments: ($) => seq('(', commaSep($._expression), ')'),
    parenthesized_expression: ($) => seq('(', $._expression, ')'),
    now: (_) => 'now',

    // ---- literals ----------------------------------------------------------

    // Longest match separates them: 2024-01-01T05 > 2024-01-01 > 2024-01 > 7d > 42.
    hour: (_) => token(/\d{4}-\d{2}-\d{2}T\d{2}/),
    date: (_) => token(/\d{4}-\d{2}-\d{2}/),
    month: (_) => token(/\d{4}-\d{2}/),
    duration: (_) => token(/\d+[smhd]/),
    integer: (_) => token(/\d+/),

    string: ($) =>
      seq('"', repeat(choice($.string_content, $.escape_sequence)), token.immediate('"')),
    template_string: ($) =>
      seq(
        '"',
        repeat(
          choice(
            alias($.template_content, $.string_content),
            $.escape_sequence,
            $.brace_escape,
            $.interpolation,
          ),
        ),
        token.immediate('"'),
      ),
    string_content: (_) => token.immediate(prec(1, /[^"\\\n]+/)),
    template_content: (_) => token.immediate(prec(1, /[^"\\\n{}]+/)),
    escape_sequence: (_) => token.immediate(/\\[\\"nt]/),
    brace_escape: (_) => token.immediate(choice('{{', '}}')),
    interpolation: ($) =>
      seq(
        token.immediate('{'),
        field('value', $._expression),
        optional(seq(':', field('format', $.format_spec))),
        '}',
      ),
    format_spec: (_) => /[^}"\n]+/,

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,
    comment: (_) => token(seq('#', /.*/)),
  },
});
