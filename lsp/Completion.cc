// A small scanner walks the text before the cursor once, skipping strings and
// comments, and keeps the stack of open brackets with the word before each.
// The innermost bracket and the current statement's text (since the last line
// break or bracket) then decide the context with a few regular expressions.
#include "Completion.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <unordered_map>

#include "Navigation.h"

namespace databuild::lsp {

namespace {

// The patterns below are string literals; each is compiled once per thread
// (compiling a std::regex costs far more than matching one line with it).
const std::regex& compiled(const char* pattern) {
  thread_local std::unordered_map<const char*, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

constexpr std::array kDeclarationKeywords = {"workspace", "policy", "type", "dataset", "job"};
constexpr std::array kWorkspaceKeywords = {"data_root", "catalog"};
constexpr std::array kDatasetKeywords = {"column",   "format",   "taint", "deny",
                                         "external", "location", "ready", "wait"};
constexpr std::array kJobKeywords = {"input", "output",  "removes", "run",
                                     "env",   "retries", "timeout", "version"};
constexpr std::array kKeyTypes = {"date", "hour", "month", "int", "string", "enum"};
constexpr std::array kColumnTypes = {"string", "int",       "float", "bool",
                                     "date",   "timestamp", "bytes"};
constexpr std::array kFunctions = {"month_of", "date_of", "days_of", "hours_of"};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct OpenBracket {
  char bracket;
  size_t offset;
  std::string word_before;  // the identifier right before the bracket, if any
};

// What the scanner learns from the text before the cursor.
struct Context {
  bool in_string_or_comment = false;
  // Inside `{…}` of a template string: a parameter (job) or key (dataset) goes here.
  bool in_interpolation = false;
  std::vector<OpenBracket> open;
  std::string declaration_kind;  // keyword of the enclosing top-level declaration
  std::string declaration_name;
  bool naming_declaration = false;  // the cursor is where a declaration's name goes
};

Context scan(std::string_view text) {
  Context context;
  std::string last_word;
  size_t last_word_end = std::string::npos;
  bool expect_name = false;  // after a declaration keyword at top level
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {
      size_t end = text.find('\n', i);
      if (end == std::string_view::npos) {
        context.in_string_or_comment = true;
        return context;
      }
      i = end;
      continue;
    }
    if (c == '"') {
      bool interpolating = false;
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i) {
        bool doubled = i + 1 < text.size() && text[i + 1] == text[i];
        if (text[i] == '\\' || ((text[i] == '{' || text[i] == '}') && doubled)) {
          ++i;  // an escape, or `{{` / `}}` for a literal brace
        } else if (text[i] == '{' || text[i] == '}') {
          interpolating = text[i] == '{';
        }
      }
      if (i >= text.size()) {
        context.in_string_or_comment = true;
        context.in_interpolation = interpolating;
        return context;
      }
      continue;
    }
    if (is_word_char(c)) {
      size_t begin = i;
      while (i + 1 < text.size() && is_word_char(text[i + 1])) ++i;
      last_word = std::string(text.substr(begin, i + 1 - begin));
      last_word_end = i + 1;
      if (!context.open.empty()) continue;
      if (expect_name) {
        context.declaration_name = last_word;
        expect_name = false;
      } else if (std::find(kDeclarationKeywords.begin(), kDeclarationKeywords.end(), last_word) !=
                 kDeclarationKeywords.end()) {
        context.declaration_kind = last_word;
        context.declaration_name.clear();
        expect_name = true;
      }
      continue;
    }
    if (c == '{' || c == '[' || c == '(') {
      bool adjacent = last_word_end != std::string::npos &&
                      text.substr(last_word_end, i - last_word_end).find_first_not_of(" \t") ==
                          std::string_view::npos;
      context.open.push_back({c, i, adjacent ? last_word : ""});
      expect_name = false;
    } else if ((c == '}' || c == ']' || c == ')') && !context.open.empty()) {
      context.open.pop_back();
    }
  }
  // Typing a word right after a declaration keyword names the declaration.
  context.naming_declaration =
      context.open.empty() &&
      (expect_name || (!context.declaration_name.empty() && last_word_end == text.size() &&
                       last_word == context.declaration_name));
  return context;
}

class Completer {
 public:
  Completer(const Analysis& analysis, std::string_view before_cursor)
      : analysis_(analysis), text_(before_cursor), context_(scan(before_cursor)) {}

  std::vector<CompletionCandidate> run() {
    if (context_.in_interpolation) {
      interpolation_context();
    } else if (context_.in_string_or_comment || context_.naming_declaration) {
      return {};
    } else if (context_.open.empty()) {
      add_keywords(kDeclarationKeywords);
    } else if (context_.declaration_kind == "dataset") {
      dataset_context();
    } else if (context_.declaration_kind == "job") {
      job_context();
    } else if (context_.declaration_kind == "workspace" && statement_start()) {
      add_keywords(kWorkspaceKeywords);
    }
    std::sort(candidates_.begin(), candidates_.end(),
              [](const CompletionCandidate& a, const CompletionCandidate& b) {
                return std::tie(a.kind, a.label) < std::tie(b.kind, b.label);
              });
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    return std::move(candidates_);
  }

 private:
  const OpenBracket& innermost() const { return context_.open.back(); }

  // The current statement's text: since the last line break or open bracket.
  std::string_view segment(std::string_view separators = "\n{}[]()") const {
    size_t start = text_.find_last_of(separators);
    return start == std::string_view::npos ? text_ : text_.substr(start + 1);
  }
  bool matches(std::string_view text, const char* pattern) const {
    return std::regex_search(text.begin(), text.end(), compiled(pattern));
  }
  bool statement_start() const { return matches(segment(), R"(^\s*\w*$)"); }

  template <size_t N>
  void add_keywords(const std::array<const char*, N>& keywords) {
    for (const char* keyword : keywords)
      candidates_.push_back({keyword, CompletionKind::Keyword, ""});
  }
  template <size_t N>
  void add_builtin_types(const std::array<const char*, N>& types) {
    for (const char* type : types) candidates_.push_back({type, CompletionKind::Type, "built-in"});
  }
  void add_named_types() {
    for (const auto& [name, type] : analysis_.linked.types)
      candidates_.push_back(
          {name.str(), CompletionKind::Type,
           "enum " + std::string(text_at(analysis_, type->enumeration.location))});
  }
  void add_policies() {
    for (const auto& [name, policy] : analysis_.linked.policies)
      candidates_.push_back({name.str(), CompletionKind::Policy, "policy"});
  }
  void add_datasets() {
    for (const auto& [name, dataset] : analysis_.linked.datasets)
      candidates_.push_back({name.str(), CompletionKind::Dataset,
                             dataset->is_external() ? "external dataset" : "dataset"});
  }

  // Inside `[…]` of a key list or `(…)` of a parameter list: types after ':'.
  void type_context() {
    if (!matches(segment("\n[(,"), R"(^\s*\w+\s*:\s*\w*$)")) return;
    add_builtin_types(kKeyTypes);
    add_named_types();
  }

  void dataset_context() {
    if (innermost().bracket == '[') {
      type_context();
    } else if (innermost().bracket == '(') {
      if (matches(segment("\n("), R"(^\s*taint\s+[\w,\s]*$)")) add_policies();
    } else if (matches(segment(), R"(\bcolumn\s+\w+\s*:\s*\w*$)")) {
      add_builtin_types(kColumnTypes);
    } else if (matches(segment(), R"(\b(taint|deny)\s+[\w,\s]*$)")) {
      add_policies();
    } else if (matches(segment(), R"((^|\s)\w*$)") &&
               !matches(segment(), R"(\b(format|column)\s+\w*$)")) {
      add_keywords(kDatasetKeywords);
    }
  }

  void job_context() {
    const Job* job = analysis_.linked.find_job(context_.declaration_name);
    if (context_.open.size() == 1 && innermost().bracket == '(') {
      type_context();
      return;
    }
    if (innermost().bracket == '[') {
      binding_context(job, analysis_.linked.find_dataset(innermost().word_before));
    } else if (innermost().bracket == '{' && context_.open.size() >= 2) {
      input_columns_context();
    } else if (matches(segment(), R"(^\s*(input|output)\s+\w+\s*=\s*\w*$)")) {
      add_datasets();
    } else if (matches(segment(), R"(^\s*removes\s+[\w,\s]*$)") &&
               !matches(segment(), R"(\bbecause\b)")) {
      add_policies();
    } else if (statement_start()) {
      add_keywords(kJobKeywords);
    }
  }

  // `dataset[key = value, …]`: keys at a binding's start, values after = or in.
  void binding_context(const Job* job, const Dataset* dataset) {
    std::string_view binding = segment("[,");
    if (matches(binding, R"(^\s*\w*$)")) {
      if (!dataset) return;
      for (const KeyDecl& key : dataset->keys)
        candidates_.push_back({key.name.text.str(), CompletionKind::Key, key.type.display.str()});
      return;
    }
    std::match_results<std::string_view::const_iterator> key_match;
    if (!std::regex_search(binding.begin(), binding.end(), key_match,
                           compiled(R"(^\s*(\w+)\s*(=|\bin\b))")))
      return;
    if (job) {
      for (const Parameter& parameter : job->parameters)
        candidates_.push_back(
            {parameter.name.text.str(), CompletionKind::Parameter, parameter.type.display.str()});
    }
    const KeyDecl* key = dataset ? dataset->find_key(key_match[1].str()) : nullptr;
    if (key && key->type.enumeration) {
      for (const EnumValue& value : key->type.enumeration->values)
        candidates_.push_back({std::string(text_at(analysis_, value.location)),
                               CompletionKind::EnumValue, key->type.display.str()});
    }
    for (const char* function : kFunctions)
      candidates_.push_back({function, CompletionKind::Function, "built-in function"});
    candidates_.push_back({"now", CompletionKind::Keyword, "the build's start time"});
  }

  // `"…{|"` in `run` or `env` names a parameter; in `location`, a key.
  void interpolation_context() {
    const LinkedWorkspace& linked = analysis_.linked;
    if (context_.declaration_kind == "job") {
      if (const Job* job = linked.find_job(context_.declaration_name)) {
        for (const Parameter& parameter : job->parameters)
          candidates_.push_back(
              {parameter.name.text.str(), CompletionKind::Parameter, parameter.type.display.str()});
      }
    } else if (context_.declaration_kind == "dataset") {
      if (const Dataset* dataset = linked.find_dataset(context_.declaration_name)) {
        for (const KeyDecl& key : dataset->keys)
          candidates_.push_back({key.name.text.str(), CompletionKind::Key, key.type.display.str()});
      }
    }
  }

  // `input name = dataset[…] { col, … }`: the columns of that dataset.
  void input_columns_context() {
    std::string_view before = text_.substr(0, innermost().offset);
    std::string_view line = before.substr(before.rfind('\n') + 1);  // npos + 1 == 0: line 1
    std::match_results<std::string_view::const_iterator> port;
    if (!std::regex_search(line.begin(), line.end(), port,
                           compiled(R"(^\s*input\s+\w+\s*=\s*(\w+))")))
      return;
    const Dataset* dataset = analysis_.linked.find_dataset(port[1].str());
    if (!dataset) return;
    for (const Column& column : dataset->columns)
      candidates_.push_back(
          {column.name.text.str(), CompletionKind::Column, column.type.text.str()});
  }

  const Analysis& analysis_;
  std::string_view text_;
  Context context_;
  std::vector<CompletionCandidate> candidates_;
};

}  // namespace

std::vector<CompletionCandidate> complete_at(const Analysis& analysis, FileId file,
                                             uint32_t offset) {
  if (file >= analysis.files.size()) return {};
  std::string_view text = analysis.text(file);
  return Completer(analysis, text.substr(0, std::min<size_t>(offset, text.size()))).run();
}

}  // namespace databuild::lsp
